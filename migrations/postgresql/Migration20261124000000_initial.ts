import { Migration } from '@mikro-orm/migrations';

export class Migration20261124000000_initial extends Migration {

  override name = 'Migration20261124000000_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "message_channels" ("channel_id" serial primary key, "channel_name" varchar(100) not null, "channel_type" text not null, "description" text null, "api_endpoint" varchar(500) null, "is_active" boolean not null default true, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp);`);
    this.addSql(`alter table "message_channels" add constraint "message_channels_channel_name_unique" unique ("channel_name");`);
    this.addSql(`alter table "message_channels" add constraint "message_channels_channel_type_check" check ("channel_type" in ('whatsapp', 'sms', 'telegram', 'email', 'web', 'instagram', 'facebook'));`);

    this.addSql(`create table "channel_statistics" ("stat_id" uuid not null, "channel_id" int not null, "date" date not null, "total_inbound_messages" int not null default 0, "total_outbound_messages" int not null default 0, "total_failed_messages" int not null default 0, "average_response_time_seconds" int null, "unique_users" int null, "created_at" timestamptz not null default current_timestamp, primary key ("stat_id"));`);
    this.addSql(`create index "idx_channel_stats" on "channel_statistics" ("channel_id", "date");`);
    this.addSql(`alter table "channel_statistics" add constraint "unique_channel_date" unique ("channel_id", "date");`);

    this.addSql(`create table "user_permissions" ("permission_id" serial primary key, "permission_name" varchar(100) not null, "description" text null, "module" varchar(50) null, "action" varchar(50) null, "resource_type" varchar(100) null, "created_at" timestamptz not null default current_timestamp);`);
    this.addSql(`alter table "user_permissions" add constraint "user_permissions_permission_name_unique" unique ("permission_name");`);

    this.addSql(`create table "user_roles" ("role_id" serial primary key, "role_name" varchar(100) not null, "description" text null, "permission_level" int null, "is_system_role" boolean not null default false, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp);`);
    this.addSql(`alter table "user_roles" add constraint "user_roles_role_name_unique" unique ("role_name");`);

    this.addSql(`create table "role_permissions" ("role_permission_id" serial primary key, "role_id" int not null, "permission_id" int not null, "created_at" timestamptz not null default current_timestamp);`);
    this.addSql(`alter table "role_permissions" add constraint "unique_role_permission" unique ("role_id", "permission_id");`);

    this.addSql(`create table "usuarios" ("id" serial primary key, "phoneNumber" varchar(20) not null, "lid" varchar(64) null, "nombre" varchar(255) null, "email" varchar(255) null, "region" varchar(100) null, "location" varchar(255) null, "birth_date" date null, "role_id" int null, "user_type" text not null default 'client', "last_login" timestamptz null, "login_count" int not null default 0, "password_hash" varchar(255) null, "is_active" boolean not null default true, "account_status" text not null default 'active', "marketing_opt_in" boolean not null default true, "opt_out_at" timestamptz null, "consent_at" timestamptz null, "totp_secret" varchar(64) null, "totp_enabled_at" timestamptz null, "failed_login_count" int not null default 0, "locked_until" timestamptz null, "last_message_at" timestamptz null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp);`);
    this.addSql(`alter table "usuarios" add constraint "usuarios_phoneNumber_unique" unique ("phoneNumber");`);
    this.addSql(`alter table "usuarios" add constraint "usuarios_lid_unique" unique ("lid");`);
    this.addSql(`create index "idx_user_role" on "usuarios" ("role_id");`);
    this.addSql(`create index "idx_user_active" on "usuarios" ("is_active");`);
    this.addSql(`create index "idx_user_region" on "usuarios" ("region");`);
    this.addSql(`alter table "usuarios" add constraint "usuarios_user_type_check" check ("user_type" in ('client', 'agent', 'admin', 'analyst'));`);
    this.addSql(`alter table "usuarios" add constraint "usuarios_account_status_check" check ("account_status" in ('active', 'suspended', 'inactive'));`);

    this.addSql(`create table "segmentation_rules" ("rule_id" uuid not null, "rule_name" varchar(255) not null, "description" text null, "rule_type" text not null, "criteria_json" jsonb not null, "created_by_user_id" int not null, "is_active" boolean not null default true, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("rule_id"));`);
    this.addSql(`create index "idx_rule_active" on "segmentation_rules" ("is_active");`);
    this.addSql(`alter table "segmentation_rules" add constraint "segmentation_rules_rule_type_check" check ("rule_type" in ('demographic', 'behavioral', 'engagement', 'transactional', 'custom'));`);

    this.addSql(`create table "pending_confirmations" ("id" uuid not null, "usuario_id" int not null, "command" varchar(100) not null, "args_json" jsonb not null, "summary" text not null, "code_hash" varchar(128) null, "requires_totp" boolean not null default false, "attempts" int not null default 0, "status" text not null default 'pending', "expires_at" timestamptz not null, "created_at" timestamptz not null default current_timestamp, "resolved_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "idx_pending_user" on "pending_confirmations" ("usuario_id", "status");`);
    this.addSql(`alter table "pending_confirmations" add constraint "pending_confirmations_status_check" check ("status" in ('pending', 'confirmed', 'cancelled', 'expired', 'failed'));`);

    this.addSql(`create table "pedidos" ("id" serial primary key, "clienteId" int not null, "estado" text not null default 'pendiente', "total" numeric(12,2) not null, "currency" varchar(3) not null default 'EUR', "external_ref" varchar(100) null, "notes" text null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp);`);
    this.addSql(`alter table "pedidos" add constraint "pedidos_external_ref_unique" unique ("external_ref");`);
    this.addSql(`create index "idx_pedidos_cliente" on "pedidos" ("clienteId", "created_at");`);
    this.addSql(`alter table "pedidos" add constraint "pedidos_estado_check" check ("estado" in ('pendiente', 'confirmado', 'enviado', 'entregado', 'cancelado'));`);

    this.addSql(`create table "message_templates" ("template_id" uuid not null, "template_name" varchar(255) not null, "template_category" text not null, "language_code" varchar(10) not null default 'es_ES', "meta_template_name" varchar(255) null, "meta_template_id" varchar(255) null, "status" text not null default 'draft', "approval_status_meta" text not null default 'pending', "rejection_reason" text null, "header_type" text not null default 'text', "header_content" text null, "body_text" text not null, "footer_text" text null, "created_by_user_id" int not null, "approved_by_user_id" int null, "approval_date" timestamptz null, "meta_response_data" jsonb null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("template_id"));`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_template_name_unique" unique ("template_name");`);
    this.addSql(`create index "idx_template_meta" on "message_templates" ("meta_template_name");`);
    this.addSql(`create index "idx_template_status" on "message_templates" ("status");`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_template_category_check" check ("template_category" in ('marketing', 'transactional', 'support', 'notification'));`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_status_check" check ("status" in ('draft', 'pending_approval', 'approved', 'rejected', 'archived'));`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_approval_status_meta_check" check ("approval_status_meta" in ('pending', 'approved', 'rejected', 'disabled'));`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_header_type_check" check ("header_type" in ('text', 'image', 'video', 'document'));`);

    this.addSql(`create table "template_versions" ("version_id" uuid not null, "template_id" uuid not null, "version_number" int null, "body_text" text null, "header_content" text null, "footer_text" text null, "changed_by_user_id" int null, "change_reason" text null, "created_at" timestamptz not null default current_timestamp, primary key ("version_id"));`);
    this.addSql(`create index "idx_template_versions" on "template_versions" ("template_id", "version_number");`);

    this.addSql(`create table "template_variables" ("variable_id" uuid not null, "template_id" uuid not null, "variable_name" varchar(100) null, "variable_placeholder" varchar(100) null, "variable_type" text not null, "is_required" boolean not null default true, "example_value" varchar(255) null, "created_at" timestamptz not null default current_timestamp, primary key ("variable_id"));`);
    this.addSql(`create index "idx_variable_template" on "template_variables" ("template_id");`);
    this.addSql(`alter table "template_variables" add constraint "template_variables_variable_type_check" check ("variable_type" in ('text', 'phone', 'email', 'url', 'datetime'));`);

    this.addSql(`create table "template_buttons" ("button_id" uuid not null, "template_id" uuid not null, "button_text" varchar(255) not null, "button_type" text not null, "button_value" varchar(500) null, "button_order" int null, "created_at" timestamptz not null default current_timestamp, primary key ("button_id"));`);
    this.addSql(`create index "idx_template_buttons" on "template_buttons" ("template_id");`);
    this.addSql(`alter table "template_buttons" add constraint "template_buttons_button_type_check" check ("button_type" in ('call_phone_number', 'visit_website', 'quick_reply'));`);

    this.addSql(`create table "customer_segments" ("segment_id" uuid not null, "segment_name" varchar(255) not null, "segment_description" text null, "segment_type" text not null, "rule_id" uuid null, "total_customers" int not null default 0, "active_customers" int not null default 0, "created_by_user_id" int not null, "is_active" boolean not null default true, "last_updated" timestamptz null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("segment_id"));`);
    this.addSql(`create index "idx_segment_rule" on "customer_segments" ("rule_id");`);
    this.addSql(`create index "idx_segment_active" on "customer_segments" ("is_active");`);
    this.addSql(`alter table "customer_segments" add constraint "customer_segments_segment_type_check" check ("segment_type" in ('manual', 'dynamic', 'hybrid'));`);

    this.addSql(`create table "segment_performance" ("performance_id" uuid not null, "segment_id" uuid not null, "date" date null, "metric_name" varchar(100) null, "metric_value" numeric(10,2) null, "created_at" timestamptz not null default current_timestamp, primary key ("performance_id"));`);

    this.addSql(`create table "segment_members" ("member_id" uuid not null, "segment_id" uuid not null, "cliente_id" int not null, "joined_date" timestamptz not null default current_timestamp, "left_date" timestamptz null, "is_active" boolean not null default true, "reason_joined" varchar(255) null, "created_at" timestamptz not null default current_timestamp, primary key ("member_id"));`);
    this.addSql(`create index "idx_cliente_segments" on "segment_members" ("cliente_id");`);
    this.addSql(`create index "idx_segment_members" on "segment_members" ("segment_id", "is_active");`);
    this.addSql(`alter table "segment_members" add constraint "unique_segment_member" unique ("segment_id", "cliente_id");`);

    this.addSql(`create table "customer_scores" ("score_id" uuid not null, "cliente_id" int not null, "score_type" text not null, "score_value" numeric(5,2) null, "score_percentile" int null, "last_calculated" timestamptz null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("score_id"));`);
    this.addSql(`create index "idx_customer_scores" on "customer_scores" ("cliente_id");`);
    this.addSql(`create index "idx_score_type" on "customer_scores" ("score_type", "score_value");`);
    this.addSql(`alter table "customer_scores" add constraint "unique_customer_score" unique ("cliente_id", "score_type");`);
    this.addSql(`alter table "customer_scores" add constraint "customer_scores_score_type_check" check ("score_type" in ('engagement', 'loyalty', 'purchase_propensity', 'churn_risk', 'lifetime_value'));`);

    this.addSql(`create table "customer_reports" ("report_id" uuid not null, "cliente_id" int not null, "report_type" text not null, "report_title" varchar(255) null, "report_body" text null, "generated_by_user_id" int null, "date_from" date null, "date_to" date null, "file_path" varchar(500) null, "format" text not null default 'pdf', "is_scheduled" boolean not null default false, "schedule_frequency" text not null default 'weekly', "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("report_id"));`);
    this.addSql(`create index "idx_client_reports" on "customer_reports" ("cliente_id", "created_at");`);
    this.addSql(`alter table "customer_reports" add constraint "customer_reports_report_type_check" check ("report_type" in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom'));`);
    this.addSql(`alter table "customer_reports" add constraint "customer_reports_format_check" check ("format" in ('pdf', 'csv', 'json', 'html'));`);
    this.addSql(`alter table "customer_reports" add constraint "customer_reports_schedule_frequency_check" check ("schedule_frequency" in ('daily', 'weekly', 'monthly'));`);

    this.addSql(`create table "client_file_storage" ("file_id" uuid not null, "cliente_id" int not null, "message_id" varchar(255) null, "file_type" text not null, "mime_type" varchar(100) null, "original_filename" varchar(500) null, "file_size" int null, "file_path" varchar(500) not null, "storage_location" text not null default 'local', "bucket_name" varchar(255) null, "object_key" varchar(500) null, "checksum_sha256" varchar(64) null, "is_archived" boolean not null default false, "upload_timestamp" timestamptz null, "accessed_count" int not null default 0, "last_accessed" timestamptz null, "retention_days" int null, "download_status" text not null default 'ok', "download_error" text null, "source_sha256" varchar(64) null, "media_key_json" jsonb null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("file_id"));`);
    this.addSql(`alter table "client_file_storage" add constraint "client_file_storage_message_id_unique" unique ("message_id");`);
    this.addSql(`create index "idx_client_file" on "client_file_storage" ("cliente_id", "created_at");`);
    this.addSql(`create index "idx_file_type" on "client_file_storage" ("file_type");`);
    this.addSql(`alter table "client_file_storage" add constraint "client_file_storage_file_type_check" check ("file_type" in ('image', 'video', 'audio', 'document', 'other'));`);
    this.addSql(`alter table "client_file_storage" add constraint "client_file_storage_storage_location_check" check ("storage_location" in ('local', 's3', 'azure', 'gcs'));`);
    this.addSql(`alter table "client_file_storage" add constraint "client_file_storage_download_status_check" check ("download_status" in ('ok', 'failed', 'too_large', 'checksum_mismatch', 'pending'));`);

    this.addSql(`create table "client_conversation_archive" ("archive_id" uuid not null, "cliente_id" int not null, "conversation_thread_id" varchar(255) null, "archive_content" text null, "format" text not null default 'json', "file_path" varchar(500) null, "start_date" date null, "end_date" date null, "message_count" int null, "storage_status" text not null default 'active', "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("archive_id"));`);
    this.addSql(`create index "idx_client_conversation" on "client_conversation_archive" ("cliente_id", "start_date");`);
    this.addSql(`alter table "client_conversation_archive" add constraint "client_conversation_archive_format_check" check ("format" in ('json', 'pdf', 'html', 'txt'));`);
    this.addSql(`alter table "client_conversation_archive" add constraint "client_conversation_archive_storage_status_check" check ("storage_status" in ('active', 'archived', 'deleted'));`);

    this.addSql(`create table "campaigns" ("campaign_id" uuid not null, "campaign_name" varchar(255) not null, "campaign_type" text not null, "description" text null, "created_by_user_id" int not null, "status" text not null default 'draft', "start_date" timestamptz null, "end_date" timestamptz null, "channel_id" int not null, "target_segment_id" uuid null, "total_recipients" int not null default 0, "messages_sent" int not null default 0, "messages_failed" int not null default 0, "unique_clicks" int not null default 0, "conversion_count" int not null default 0, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("campaign_id"));`);
    this.addSql(`create index "idx_campaign_status" on "campaigns" ("status");`);
    this.addSql(`create index "idx_campaign_dates" on "campaigns" ("start_date", "end_date");`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_campaign_type_check" check ("campaign_type" in ('broadcast', 'drip', 'trigger', 'scheduled', 'one_time'));`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_status_check" check ("status" in ('draft', 'scheduled', 'active', 'paused', 'completed', 'cancelled'));`);

    this.addSql(`create table "template_usage_log" ("usage_id" uuid not null, "template_id" uuid not null, "campaign_id" uuid null, "message_id" varchar(255) null, "cliente_id" int null, "usage_timestamp" timestamptz null, "status" text not null default 'sent', "created_at" timestamptz not null default current_timestamp, primary key ("usage_id"));`);
    this.addSql(`create index "idx_template_campaign" on "template_usage_log" ("campaign_id");`);
    this.addSql(`create index "idx_template_usage_message" on "template_usage_log" ("message_id");`);
    this.addSql(`create index "idx_template_usage" on "template_usage_log" ("template_id", "usage_timestamp");`);
    this.addSql(`alter table "template_usage_log" add constraint "template_usage_log_status_check" check ("status" in ('sent', 'delivered', 'read', 'failed'));`);

    this.addSql(`create table "conversations_log" ("id" serial primary key, "from" varchar(50) not null, "cliente_id" int null, "date" timestamptz not null, "body" text null, "message_type" text not null default 'text', "message_id" varchar(255) not null, "remote_jid" varchar(255) null, "channel_id" int null, "platform_origin" varchar(50) null, "sms_gateway_provider" varchar(100) null, "message_direction" text not null default 'inbound', "origin" text null, "delivery_status" text null, "status_updated_at" timestamptz null, "failure_reason" text null, "quoted_message_id" varchar(255) null, "campaign_id" uuid null, "raw" jsonb null, "created_at" timestamptz not null default current_timestamp);`);
    this.addSql(`alter table "conversations_log" add constraint "conversations_log_message_id_unique" unique ("message_id");`);
    this.addSql(`create index "idx_conv_campaign" on "conversations_log" ("campaign_id");`);
    this.addSql(`create index "idx_conv_date" on "conversations_log" ("date");`);
    this.addSql(`create index "idx_conv_client" on "conversations_log" ("from", "date");`);
    this.addSql(`create index "idx_channel_date" on "conversations_log" ("channel_id", "date");`);
    this.addSql(`create index "idx_conv_cliente" on "conversations_log" ("cliente_id", "date");`);
    this.addSql(`alter table "conversations_log" add constraint "conversations_log_message_type_check" check ("message_type" in ('text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction', 'location', 'contact', 'poll', 'interactive', 'button', 'template', 'system', 'unknown'));`);
    this.addSql(`alter table "conversations_log" add constraint "conversations_log_message_direction_check" check ("message_direction" in ('inbound', 'outbound'));`);
    this.addSql(`alter table "conversations_log" add constraint "conversations_log_origin_check" check ("origin" in ('customer', 'bot', 'flow', 'staff_phone', 'campaign', 'command', 'api'));`);
    this.addSql(`alter table "conversations_log" add constraint "conversations_log_delivery_status_check" check ("delivery_status" in ('pending', 'sent', 'delivered', 'read', 'failed'));`);

    this.addSql(`create table "campaign_messages" ("campaign_message_id" uuid not null, "campaign_id" uuid not null, "message_body" text not null, "message_template_id" uuid null, "sequence_order" int null, "delay_seconds" int null, "status" text not null default 'pending', "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("campaign_message_id"));`);
    this.addSql(`create index "idx_campaign_messages" on "campaign_messages" ("campaign_id");`);
    this.addSql(`alter table "campaign_messages" add constraint "campaign_messages_status_check" check ("status" in ('pending', 'sending', 'sent', 'failed'));`);

    this.addSql(`create table "campaign_recipient_log" ("recipient_log_id" uuid not null, "campaign_id" uuid not null, "cliente_id" int not null, "campaign_message_id" uuid null, "message_id" varchar(255) null, "send_status" text not null default 'pending', "attempts" int not null default 0, "claimed_at" timestamptz null, "next_attempt_at" timestamptz null, "sent_timestamp" timestamptz null, "delivered_timestamp" timestamptz null, "read_timestamp" timestamptz null, "failure_reason" text null, "created_at" timestamptz not null default current_timestamp, primary key ("recipient_log_id"));`);
    this.addSql(`create index "idx_recipient_campaign" on "campaign_recipient_log" ("campaign_id");`);
    this.addSql(`create index "idx_recipient_message" on "campaign_recipient_log" ("message_id");`);
    this.addSql(`create index "idx_recipient_status" on "campaign_recipient_log" ("send_status");`);
    this.addSql(`alter table "campaign_recipient_log" add constraint "unique_recipient" unique ("campaign_id", "cliente_id", "campaign_message_id");`);
    this.addSql(`alter table "campaign_recipient_log" add constraint "campaign_recipient_log_send_status_check" check ("send_status" in ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'bounced', 'skipped'));`);

    this.addSql(`create table "campaign_goals" ("goal_id" uuid not null, "campaign_id" uuid not null, "goal_name" varchar(255) null, "goal_type" text not null, "target_value" int null, "actual_value" int not null default 0, "target_date" date null, "created_at" timestamptz not null default current_timestamp, primary key ("goal_id"));`);
    this.addSql(`alter table "campaign_goals" add constraint "campaign_goals_goal_type_check" check ("goal_type" in ('conversion', 'engagement', 'reach', 'revenue'));`);

    this.addSql(`create table "campaign_analytics" ("analytics_id" uuid not null, "campaign_id" uuid not null, "metric_name" varchar(100) null, "metric_value" numeric(10,2) null, "metric_date" date null, "created_at" timestamptz not null default current_timestamp, primary key ("analytics_id"));`);

    this.addSql(`create table "audit_log" ("id" serial primary key, "actor_id" int null, "actor_phone" varchar(20) null, "action" varchar(100) not null, "target" varchar(255) null, "details" jsonb null, "outcome" text not null, "duration_ms" int null, "channel" varchar(20) null, "prev_hash" varchar(64) null, "hash" varchar(64) not null, "created_at" timestamptz not null default current_timestamp);`);
    this.addSql(`create index "idx_audit_actor" on "audit_log" ("actor_id", "created_at");`);
    this.addSql(`create index "idx_audit_created" on "audit_log" ("created_at");`);
    this.addSql(`alter table "audit_log" add constraint "audit_log_outcome_check" check ("outcome" in ('allowed', 'denied', 'error', 'success', 'failure'));`);

    this.addSql(`create table "webhook_inbox" ("id" uuid not null, "source" varchar(30) not null default 'meta', "dedupe_key" varchar(128) not null, "payload" jsonb not null, "received_at" timestamptz not null default current_timestamp, "status" text not null default 'pending', "attempts" int not null default 0, "last_error" text null, "processed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "webhook_inbox" add constraint "webhook_inbox_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "idx_inbox_status" on "webhook_inbox" ("status", "received_at");`);
    this.addSql(`alter table "webhook_inbox" add constraint "webhook_inbox_status_check" check ("status" in ('pending', 'processing', 'done', 'failed'));`);

    this.addSql(`create table "whatsapp_groups" ("group_id" varchar(255) not null, "group_name" varchar(255) not null, "group_jid" varchar(255) not null, "group_subject_timestamp" timestamptz null, "group_description" text null, "group_profile_picture_url" varchar(500) null, "group_creation_date" timestamptz null, "owner_phone_number" varchar(20) null, "total_members" int null, "is_active" boolean not null default true, "parent_cliente_id" int null, "sync_status" text not null default 'pending', "last_sync" timestamptz null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("group_id"));`);
    this.addSql(`alter table "whatsapp_groups" add constraint "whatsapp_groups_group_jid_unique" unique ("group_jid");`);
    this.addSql(`create index "idx_group_owner" on "whatsapp_groups" ("owner_phone_number");`);
    this.addSql(`create index "idx_group_client" on "whatsapp_groups" ("parent_cliente_id");`);
    this.addSql(`create index "idx_group_active" on "whatsapp_groups" ("is_active", "parent_cliente_id");`);
    this.addSql(`alter table "whatsapp_groups" add constraint "whatsapp_groups_sync_status_check" check ("sync_status" in ('synced', 'pending', 'failed'));`);

    this.addSql(`create table "whatsapp_group_cliente_mapping" ("mapping_id" uuid not null, "cliente_id" int not null, "group_id" varchar(255) not null, "relationship_type" text not null, "purpose" varchar(255) null, "message_count" int not null default 0, "last_message_date" timestamptz null, "is_primary" boolean not null default false, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("mapping_id"));`);
    this.addSql(`create index "idx_client_groups" on "whatsapp_group_cliente_mapping" ("cliente_id");`);
    this.addSql(`alter table "whatsapp_group_cliente_mapping" add constraint "unique_mapping" unique ("cliente_id", "group_id");`);
    this.addSql(`alter table "whatsapp_group_cliente_mapping" add constraint "whatsapp_group_cliente_mapping_relationship_type_check" check ("relationship_type" in ('owner', 'member', 'target_audience', 'support_group'));`);

    this.addSql(`create table "whatsapp_group_members" ("membership_id" uuid not null, "group_id" varchar(255) not null, "member_phone_number" varchar(20) not null, "member_name" varchar(255) null, "member_jid" varchar(255) null, "member_lid" varchar(64) null, "joined_date" timestamptz null, "left_date" timestamptz null, "is_admin" boolean not null default false, "is_superadmin" boolean not null default false, "member_status" text not null default 'active', "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("membership_id"));`);
    this.addSql(`create index "idx_member_group" on "whatsapp_group_members" ("group_id");`);
    this.addSql(`create index "idx_member_status" on "whatsapp_group_members" ("member_status");`);
    this.addSql(`alter table "whatsapp_group_members" add constraint "unique_member" unique ("group_id", "member_phone_number");`);
    this.addSql(`alter table "whatsapp_group_members" add constraint "whatsapp_group_members_member_status_check" check ("member_status" in ('active', 'left', 'removed', 'banned'));`);

    this.addSql(`create table "whatsapp_group_messages_log" ("message_id" varchar(255) not null, "group_id" varchar(255) not null, "sender_phone_number" varchar(20) null, "sender_name" varchar(255) null, "message_body" text null, "message_type" text not null, "media_url" varchar(500) null, "is_bot_message" boolean not null default false, "message_timestamp" timestamptz null, "created_at" timestamptz not null default current_timestamp, primary key ("message_id"));`);
    this.addSql(`create index "idx_sender_messages" on "whatsapp_group_messages_log" ("sender_phone_number");`);
    this.addSql(`create index "idx_group_messages" on "whatsapp_group_messages_log" ("group_id", "message_timestamp");`);
    this.addSql(`alter table "whatsapp_group_messages_log" add constraint "whatsapp_group_messages_log_message_type_check" check ("message_type" in ('text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction'));`);

    this.addSql(`alter table "channel_statistics" add constraint "channel_statistics_channel_id_foreign" foreign key ("channel_id") references "message_channels" ("channel_id") on delete cascade;`);

    this.addSql(`alter table "role_permissions" add constraint "role_permissions_role_id_foreign" foreign key ("role_id") references "user_roles" ("role_id") on delete cascade;`);
    this.addSql(`alter table "role_permissions" add constraint "role_permissions_permission_id_foreign" foreign key ("permission_id") references "user_permissions" ("permission_id") on delete cascade;`);

    this.addSql(`alter table "usuarios" add constraint "usuarios_role_id_foreign" foreign key ("role_id") references "user_roles" ("role_id") on delete set null;`);

    this.addSql(`alter table "segmentation_rules" add constraint "segmentation_rules_created_by_user_id_foreign" foreign key ("created_by_user_id") references "usuarios" ("id");`);

    this.addSql(`alter table "pending_confirmations" add constraint "pending_confirmations_usuario_id_foreign" foreign key ("usuario_id") references "usuarios" ("id") on delete cascade;`);

    this.addSql(`alter table "pedidos" add constraint "pedidos_clienteId_foreign" foreign key ("clienteId") references "usuarios" ("id");`);

    this.addSql(`alter table "message_templates" add constraint "message_templates_created_by_user_id_foreign" foreign key ("created_by_user_id") references "usuarios" ("id");`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_approved_by_user_id_foreign" foreign key ("approved_by_user_id") references "usuarios" ("id") on delete set null;`);

    this.addSql(`alter table "template_versions" add constraint "template_versions_template_id_foreign" foreign key ("template_id") references "message_templates" ("template_id") on delete cascade;`);
    this.addSql(`alter table "template_versions" add constraint "template_versions_changed_by_user_id_foreign" foreign key ("changed_by_user_id") references "usuarios" ("id") on delete set null;`);

    this.addSql(`alter table "template_variables" add constraint "template_variables_template_id_foreign" foreign key ("template_id") references "message_templates" ("template_id") on delete cascade;`);

    this.addSql(`alter table "template_buttons" add constraint "template_buttons_template_id_foreign" foreign key ("template_id") references "message_templates" ("template_id") on delete cascade;`);

    this.addSql(`alter table "customer_segments" add constraint "customer_segments_rule_id_foreign" foreign key ("rule_id") references "segmentation_rules" ("rule_id") on delete set null;`);
    this.addSql(`alter table "customer_segments" add constraint "customer_segments_created_by_user_id_foreign" foreign key ("created_by_user_id") references "usuarios" ("id");`);

    this.addSql(`alter table "segment_performance" add constraint "segment_performance_segment_id_foreign" foreign key ("segment_id") references "customer_segments" ("segment_id") on delete cascade;`);

    this.addSql(`alter table "segment_members" add constraint "segment_members_segment_id_foreign" foreign key ("segment_id") references "customer_segments" ("segment_id") on delete cascade;`);
    this.addSql(`alter table "segment_members" add constraint "segment_members_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);

    this.addSql(`alter table "customer_scores" add constraint "customer_scores_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);

    this.addSql(`alter table "customer_reports" add constraint "customer_reports_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "customer_reports" add constraint "customer_reports_generated_by_user_id_foreign" foreign key ("generated_by_user_id") references "usuarios" ("id") on delete set null;`);

    this.addSql(`alter table "client_file_storage" add constraint "client_file_storage_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);

    this.addSql(`alter table "client_conversation_archive" add constraint "client_conversation_archive_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);

    this.addSql(`alter table "campaigns" add constraint "campaigns_created_by_user_id_foreign" foreign key ("created_by_user_id") references "usuarios" ("id");`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_channel_id_foreign" foreign key ("channel_id") references "message_channels" ("channel_id");`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_target_segment_id_foreign" foreign key ("target_segment_id") references "customer_segments" ("segment_id") on delete set null;`);

    this.addSql(`alter table "template_usage_log" add constraint "template_usage_log_template_id_foreign" foreign key ("template_id") references "message_templates" ("template_id") on delete cascade;`);
    this.addSql(`alter table "template_usage_log" add constraint "template_usage_log_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("campaign_id") on delete set null;`);
    this.addSql(`alter table "template_usage_log" add constraint "template_usage_log_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete set null;`);

    this.addSql(`alter table "conversations_log" add constraint "conversations_log_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete set null;`);
    this.addSql(`alter table "conversations_log" add constraint "conversations_log_channel_id_foreign" foreign key ("channel_id") references "message_channels" ("channel_id") on delete set null;`);
    this.addSql(`alter table "conversations_log" add constraint "conversations_log_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("campaign_id") on delete set null;`);

    this.addSql(`alter table "campaign_messages" add constraint "campaign_messages_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("campaign_id") on delete cascade;`);
    this.addSql(`alter table "campaign_messages" add constraint "campaign_messages_message_template_id_foreign" foreign key ("message_template_id") references "message_templates" ("template_id") on delete set null;`);

    this.addSql(`alter table "campaign_recipient_log" add constraint "campaign_recipient_log_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("campaign_id") on delete cascade;`);
    this.addSql(`alter table "campaign_recipient_log" add constraint "campaign_recipient_log_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "campaign_recipient_log" add constraint "campaign_recipient_log_campaign_message_id_foreign" foreign key ("campaign_message_id") references "campaign_messages" ("campaign_message_id") on delete set null;`);

    this.addSql(`alter table "campaign_goals" add constraint "campaign_goals_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("campaign_id") on delete cascade;`);

    this.addSql(`alter table "campaign_analytics" add constraint "campaign_analytics_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("campaign_id") on delete cascade;`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_actor_id_foreign" foreign key ("actor_id") references "usuarios" ("id") on delete set null;`);

    this.addSql(`alter table "whatsapp_groups" add constraint "whatsapp_groups_owner_phone_number_foreign" foreign key ("owner_phone_number") references "usuarios" ("phoneNumber") on update cascade on delete set null;`);
    this.addSql(`alter table "whatsapp_groups" add constraint "whatsapp_groups_parent_cliente_id_foreign" foreign key ("parent_cliente_id") references "usuarios" ("id") on delete set null;`);

    this.addSql(`alter table "whatsapp_group_cliente_mapping" add constraint "whatsapp_group_cliente_mapping_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "whatsapp_group_cliente_mapping" add constraint "whatsapp_group_cliente_mapping_group_id_foreign" foreign key ("group_id") references "whatsapp_groups" ("group_id") on delete cascade;`);

    this.addSql(`alter table "whatsapp_group_members" add constraint "whatsapp_group_members_group_id_foreign" foreign key ("group_id") references "whatsapp_groups" ("group_id") on delete cascade;`);

    this.addSql(`alter table "whatsapp_group_messages_log" add constraint "whatsapp_group_messages_log_group_id_foreign" foreign key ("group_id") references "whatsapp_groups" ("group_id") on delete cascade;`);
  }

}
