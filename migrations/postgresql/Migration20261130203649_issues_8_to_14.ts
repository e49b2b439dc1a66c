import { Migration } from '@mikro-orm/migrations';

export class Migration20261130203649_issues_8_to_14 extends Migration {

  override name = 'Migration20261130203649_issues_8_to_14';

  override up(): void | Promise<void> {
    this.addSql(`create table "message_pricing" ("message_id" varchar(255) not null, "category" varchar(50) not null, "pricing_model" varchar(50) null, "billable" boolean null, "reported_at" timestamptz not null, primary key ("message_id"));`);
    this.addSql(`create index "idx_pricing_reported" on "message_pricing" ("reported_at");`);

    this.addSql(`create table "template_sync_state" ("state_key" varchar(64) not null, "state_value" jsonb null, "updated_at" timestamptz not null default current_timestamp, primary key ("state_key"));`);

    this.addSql(`create table "report_schedules" ("schedule_id" serial primary key, "report_type" text not null, "schedule_frequency" text not null, "format" text not null default 'pdf', "subscriber_user_id" int not null, "is_active" boolean not null default true, "created_at" timestamptz not null default current_timestamp, "cancelled_at" timestamptz null);`);
    this.addSql(`create index "idx_report_schedule_active" on "report_schedules" ("is_active");`);

    this.addSql(`create table "segment_overrides" ("override_id" uuid not null, "segment_id" uuid not null, "cliente_id" int not null, "mode" text not null, "source" varchar(20) not null default 'manual', "created_at" timestamptz not null default current_timestamp, primary key ("override_id"));`);
    this.addSql(`create index "idx_segment_override_cliente" on "segment_overrides" ("cliente_id");`);
    this.addSql(`alter table "segment_overrides" add constraint "unique_segment_override" unique ("segment_id", "cliente_id");`);

    this.addSql(`create table "report_runs" ("run_id" uuid not null, "schedule_id" int not null, "period_key" varchar(10) not null, "status" text not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "claimed_at" timestamptz null, "last_error" text null, "report_id" uuid null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("run_id"));`);
    this.addSql(`create index "idx_report_run_status" on "report_runs" ("status", "next_attempt_at");`);
    this.addSql(`alter table "report_runs" add constraint "unique_report_run" unique ("schedule_id", "period_key");`);

    this.addSql(`create table "consent_events" ("id" serial primary key, "cliente_id" int not null, "action" text not null, "source" varchar(100) not null, "created_at" timestamptz not null);`);
    this.addSql(`create index "idx_consent_cliente" on "consent_events" ("cliente_id", "created_at");`);

    this.addSql(`create table "whatsapp_group_member_events" ("event_id" serial primary key, "group_id" varchar(255) not null, "membership_id" uuid not null, "member_phone_number" varchar(20) not null, "action" text not null, "actor_phone_number" varchar(64) null, "source" text not null default 'event', "event_timestamp" timestamptz not null, "created_at" timestamptz not null default current_timestamp);`);
    this.addSql(`create index "idx_member_events_group" on "whatsapp_group_member_events" ("group_id", "event_timestamp");`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "unique_member_event" unique ("membership_id", "action", "event_timestamp");`);

    this.addSql(`alter table "usuarios" add "marketing_consent" varchar(16) null, add "consent_source" varchar(100) null, add "legal_hold" boolean not null default false;`);
    this.addSql(`alter table "usuarios" alter column "totp_secret" type varchar(255) using ("totp_secret"::varchar(255));`);

    this.addSql(`alter table "template_versions" add "snapshot" jsonb null;`);

    this.addSql(`alter table "customer_scores" alter column "score_value" type numeric(12,2) using ("score_value"::numeric(12,2));`);

    this.addSql(`alter table "customer_reports" alter column "cliente_id" drop not null;`);

    this.addSql(`alter table "client_file_storage" add "expired_at" timestamptz null;`);

    this.addSql(`alter table "client_conversation_archive" add "accessed_count" int not null default 0, add "last_accessed" timestamptz null;`);

    this.addSql(`alter table "conversations_log" add "body_length" int null, add "business_number_id" varchar(50) null, add "reply_state" varchar(16) null, add "reply_claimed_at" timestamptz null, add "reply_to" varchar(255) null;`);
    this.addSql(`create index "idx_conv_reply_state" on "conversations_log" ("reply_state", "date");`);
    this.addSql(`create index "idx_conv_channel_user" on "conversations_log" ("channel_id", "date", "from");`);

    this.addSql(`alter table "audit_log" add "hash_version" int not null default 1, add "actor_phone_digest" varchar(64) null, add "target_digest" varchar(64) null, add "details_digest" varchar(64) null, add "erased_at" timestamptz null;`);

    this.addSql(`alter table "whatsapp_group_messages_log" add "mapping_counted" boolean not null default false;`);
    this.addSql(`create index "idx_group_messages_uncounted" on "whatsapp_group_messages_log" ("mapping_counted", "group_id");`);

    this.addSql(`alter table "report_schedules" add constraint "report_schedules_subscriber_user_id_foreign" foreign key ("subscriber_user_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_report_type_check" check ("report_type" in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom'));`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_schedule_frequency_check" check ("schedule_frequency" in ('daily', 'weekly', 'monthly'));`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_format_check" check ("format" in ('pdf', 'csv', 'json', 'html'));`);

    this.addSql(`alter table "segment_overrides" add constraint "segment_overrides_segment_id_foreign" foreign key ("segment_id") references "customer_segments" ("segment_id") on delete cascade;`);
    this.addSql(`alter table "segment_overrides" add constraint "segment_overrides_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "segment_overrides" add constraint "segment_overrides_mode_check" check ("mode" in ('include', 'exclude'));`);

    this.addSql(`alter table "report_runs" add constraint "report_runs_schedule_id_foreign" foreign key ("schedule_id") references "report_schedules" ("schedule_id") on delete cascade;`);
    this.addSql(`alter table "report_runs" add constraint "report_runs_report_id_foreign" foreign key ("report_id") references "customer_reports" ("report_id") on delete set null;`);
    this.addSql(`alter table "report_runs" add constraint "report_runs_status_check" check ("status" in ('pending', 'running', 'delivered', 'failed'));`);

    this.addSql(`alter table "consent_events" add constraint "consent_events_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_action_check" check ("action" in ('granted', 'revoked'));`);

    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_group_id_foreign" foreign key ("group_id") references "whatsapp_groups" ("group_id") on delete cascade;`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_membership_id_foreign" foreign key ("membership_id") references "whatsapp_group_members" ("membership_id") on delete cascade;`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_action_check" check ("action" in ('join', 'leave', 'remove', 'promote', 'demote'));`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_source_check" check ("source" in ('event', 'sync'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "report_runs" drop constraint "report_runs_schedule_id_foreign";`);

    this.addSql(`drop table if exists "message_pricing" cascade;`);
    this.addSql(`drop table if exists "template_sync_state" cascade;`);
    this.addSql(`drop table if exists "report_schedules" cascade;`);
    this.addSql(`drop table if exists "segment_overrides" cascade;`);
    this.addSql(`drop table if exists "report_runs" cascade;`);
    this.addSql(`drop table if exists "consent_events" cascade;`);
    this.addSql(`drop table if exists "whatsapp_group_member_events" cascade;`);

    this.addSql(`alter table "audit_log" drop column "hash_version", drop column "actor_phone_digest", drop column "target_digest", drop column "details_digest", drop column "erased_at";`);

    this.addSql(`alter table "client_conversation_archive" drop column "accessed_count", drop column "last_accessed";`);

    this.addSql(`alter table "client_file_storage" drop column "expired_at";`);

    this.addSql(`drop index "idx_conv_reply_state";`);
    this.addSql(`drop index "idx_conv_channel_user";`);
    this.addSql(`alter table "conversations_log" drop column "body_length", drop column "business_number_id", drop column "reply_state", drop column "reply_claimed_at", drop column "reply_to";`);

    this.addSql(`alter table "customer_reports" alter column "cliente_id" set not null;`);

    this.addSql(`alter table "customer_scores" alter column "score_value" type numeric(5,2) using ("score_value"::numeric(5,2));`);

    this.addSql(`alter table "template_versions" drop column "snapshot";`);

    this.addSql(`alter table "usuarios" drop column "marketing_consent", drop column "consent_source", drop column "legal_hold";`);
    this.addSql(`alter table "usuarios" alter column "totp_secret" type varchar(64) using ("totp_secret"::varchar(64));`);

    this.addSql(`drop index "idx_group_messages_uncounted";`);
    this.addSql(`alter table "whatsapp_group_messages_log" drop column "mapping_counted";`);
  }

}
