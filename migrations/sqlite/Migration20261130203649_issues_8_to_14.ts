import { Migration } from '@mikro-orm/migrations';

export class Migration20261130203649_issues_8_to_14 extends Migration {

  override name = 'Migration20261130203649_issues_8_to_14';

  override up(): void | Promise<void> {
    this.addSql(`create table \`message_pricing\` (\`message_id\` text not null primary key, \`category\` text not null, \`pricing_model\` text null, \`billable\` integer null, \`reported_at\` datetime not null);`);
    this.addSql(`create index \`idx_pricing_reported\` on \`message_pricing\` (\`reported_at\`);`);

    this.addSql(`create table \`template_sync_state\` (\`state_key\` text not null primary key, \`state_value\` json null, \`updated_at\` datetime not null default current_timestamp);`);

    this.addSql(`create table \`report_schedules\` (\`schedule_id\` integer not null primary key autoincrement, \`report_type\` text check (\`report_type\` in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom')) not null, \`schedule_frequency\` text check (\`schedule_frequency\` in ('daily', 'weekly', 'monthly')) not null, \`format\` text check (\`format\` in ('pdf', 'csv', 'json', 'html')) not null default 'pdf', \`subscriber_user_id\` integer not null, \`is_active\` integer not null default true, \`created_at\` datetime not null default current_timestamp, \`cancelled_at\` datetime null, constraint \`report_schedules_subscriber_user_id_foreign\` foreign key (\`subscriber_user_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`report_schedules_subscriber_user_id_index\` on \`report_schedules\` (\`subscriber_user_id\`);`);
    this.addSql(`create index \`idx_report_schedule_active\` on \`report_schedules\` (\`is_active\`);`);

    this.addSql(`create table \`segment_overrides\` (\`override_id\` text not null primary key, \`segment_id\` text not null, \`cliente_id\` integer not null, \`mode\` text check (\`mode\` in ('include', 'exclude')) not null, \`source\` text not null default 'manual', \`created_at\` datetime not null default current_timestamp, constraint \`segment_overrides_segment_id_foreign\` foreign key (\`segment_id\`) references \`customer_segments\` (\`segment_id\`) on delete cascade, constraint \`segment_overrides_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`idx_segment_override_cliente\` on \`segment_overrides\` (\`cliente_id\`);`);
    this.addSql(`create unique index \`unique_segment_override\` on \`segment_overrides\` (\`segment_id\`, \`cliente_id\`);`);

    this.addSql(`create table \`report_runs\` (\`run_id\` text not null primary key, \`schedule_id\` integer not null, \`period_key\` text not null, \`status\` text check (\`status\` in ('pending', 'running', 'delivered', 'failed')) not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime null, \`claimed_at\` datetime null, \`last_error\` text null, \`report_id\` text null, \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, constraint \`report_runs_schedule_id_foreign\` foreign key (\`schedule_id\`) references \`report_schedules\` (\`schedule_id\`) on delete cascade, constraint \`report_runs_report_id_foreign\` foreign key (\`report_id\`) references \`customer_reports\` (\`report_id\`) on delete set null);`);
    this.addSql(`create index \`report_runs_report_id_index\` on \`report_runs\` (\`report_id\`);`);
    this.addSql(`create index \`idx_report_run_status\` on \`report_runs\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create unique index \`unique_report_run\` on \`report_runs\` (\`schedule_id\`, \`period_key\`);`);

    this.addSql(`create table \`consent_events\` (\`id\` integer not null primary key autoincrement, \`cliente_id\` integer not null, \`action\` text check (\`action\` in ('granted', 'revoked')) not null, \`source\` text not null, \`created_at\` datetime not null, constraint \`consent_events_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`idx_consent_cliente\` on \`consent_events\` (\`cliente_id\`, \`created_at\`);`);

    this.addSql(`create table \`whatsapp_group_member_events\` (\`event_id\` integer not null primary key autoincrement, \`group_id\` text not null, \`membership_id\` text not null, \`member_phone_number\` text not null, \`action\` text check (\`action\` in ('join', 'leave', 'remove', 'promote', 'demote')) not null, \`actor_phone_number\` text null, \`source\` text check (\`source\` in ('event', 'sync')) not null default 'event', \`event_timestamp\` datetime not null, \`created_at\` datetime not null default current_timestamp, constraint \`whatsapp_group_member_events_group_id_foreign\` foreign key (\`group_id\`) references \`whatsapp_groups\` (\`group_id\`) on delete cascade, constraint \`whatsapp_group_member_events_membership_id_foreign\` foreign key (\`membership_id\`) references \`whatsapp_group_members\` (\`membership_id\`) on delete cascade);`);
    this.addSql(`create index \`idx_member_events_group\` on \`whatsapp_group_member_events\` (\`group_id\`, \`event_timestamp\`);`);
    this.addSql(`create unique index \`unique_member_event\` on \`whatsapp_group_member_events\` (\`membership_id\`, \`action\`, \`event_timestamp\`);`);

    this.addSql(`alter table \`usuarios\` add column \`marketing_consent\` text null;`);
    this.addSql(`alter table \`usuarios\` add column \`consent_source\` text null;`);
    this.addSql(`alter table \`usuarios\` add column \`legal_hold\` integer not null default false;`);

    this.addSql(`alter table \`template_versions\` add column \`snapshot\` json null;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`customer_reports__temp_alter\` (\`report_id\` text not null primary key, \`cliente_id\` integer null, \`report_type\` text check (\`report_type\` in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom')) not null, \`report_title\` text null, \`report_body\` text null, \`generated_by_user_id\` integer null, \`date_from\` date null, \`date_to\` date null, \`file_path\` text null, \`format\` text check (\`format\` in ('pdf', 'csv', 'json', 'html')) not null default 'pdf', \`is_scheduled\` integer not null default false, \`schedule_frequency\` text check (\`schedule_frequency\` in ('daily', 'weekly', 'monthly')) not null default 'weekly', \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, constraint \`customer_reports_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade, constraint \`customer_reports_generated_by_user_id_foreign\` foreign key (\`generated_by_user_id\`) references \`usuarios\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`customer_reports__temp_alter\` select \`report_id\`, \`cliente_id\`, \`report_type\`, \`report_title\`, \`report_body\`, \`generated_by_user_id\`, \`date_from\`, \`date_to\`, \`file_path\`, \`format\`, \`is_scheduled\`, \`schedule_frequency\`, \`created_at\`, \`updated_at\` from \`customer_reports\`;`);
    this.addSql(`drop table \`customer_reports\`;`);
    this.addSql(`alter table \`customer_reports__temp_alter\` rename to \`customer_reports\`;`);
    this.addSql(`create index \`customer_reports_generated_by_user_id_index\` on \`customer_reports\` (\`generated_by_user_id\`);`);
    this.addSql(`create index \`idx_client_reports\` on \`customer_reports\` (\`cliente_id\`, \`created_at\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`alter table \`client_file_storage\` add column \`expired_at\` datetime null;`);

    this.addSql(`alter table \`client_conversation_archive\` add column \`accessed_count\` integer not null default 0;`);
    this.addSql(`alter table \`client_conversation_archive\` add column \`last_accessed\` datetime null;`);

    this.addSql(`alter table \`conversations_log\` add column \`body_length\` integer null;`);
    this.addSql(`alter table \`conversations_log\` add column \`business_number_id\` text null;`);
    this.addSql(`alter table \`conversations_log\` add column \`reply_state\` text null;`);
    this.addSql(`alter table \`conversations_log\` add column \`reply_claimed_at\` datetime null;`);
    this.addSql(`alter table \`conversations_log\` add column \`reply_to\` text null;`);
    this.addSql(`create index \`idx_conv_reply_state\` on \`conversations_log\` (\`reply_state\`, \`date\`);`);
    this.addSql(`create index \`idx_conv_channel_user\` on \`conversations_log\` (\`channel_id\`, \`date\`, \`from\`);`);

    this.addSql(`alter table \`audit_log\` add column \`hash_version\` integer not null default 1;`);
    this.addSql(`alter table \`audit_log\` add column \`actor_phone_digest\` text null;`);
    this.addSql(`alter table \`audit_log\` add column \`target_digest\` text null;`);
    this.addSql(`alter table \`audit_log\` add column \`details_digest\` text null;`);
    this.addSql(`alter table \`audit_log\` add column \`erased_at\` datetime null;`);

    this.addSql(`alter table \`whatsapp_group_messages_log\` add column \`mapping_counted\` integer not null default false;`);
    this.addSql(`create index \`idx_group_messages_uncounted\` on \`whatsapp_group_messages_log\` (\`mapping_counted\`, \`group_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`message_pricing\`;`);
    this.addSql(`drop table if exists \`template_sync_state\`;`);
    this.addSql(`drop table if exists \`report_schedules\`;`);
    this.addSql(`drop table if exists \`segment_overrides\`;`);
    this.addSql(`drop table if exists \`report_runs\`;`);
    this.addSql(`drop table if exists \`consent_events\`;`);
    this.addSql(`drop table if exists \`whatsapp_group_member_events\`;`);

    this.addSql(`alter table \`audit_log\` drop column \`hash_version\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`actor_phone_digest\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`target_digest\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`details_digest\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`erased_at\`;`);

    this.addSql(`alter table \`client_conversation_archive\` drop column \`accessed_count\`;`);
    this.addSql(`alter table \`client_conversation_archive\` drop column \`last_accessed\`;`);

    this.addSql(`alter table \`client_file_storage\` drop column \`expired_at\`;`);

    this.addSql(`drop index \`idx_conv_reply_state\`;`);
    this.addSql(`drop index \`idx_conv_channel_user\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`body_length\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`business_number_id\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`reply_state\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`reply_claimed_at\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`reply_to\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`customer_reports__temp_alter\` (\`report_id\` TEXT not null primary key, \`cliente_id\` INTEGER not null, \`report_type\` TEXT check (\`report_type\` in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom')) not null, \`report_title\` TEXT null, \`report_body\` TEXT null, \`generated_by_user_id\` INTEGER null, \`date_from\` date null, \`date_to\` date null, \`file_path\` TEXT null, \`format\` TEXT check (\`format\` in ('pdf', 'csv', 'json', 'html')) not null default 'pdf', \`is_scheduled\` INTEGER not null default false, \`schedule_frequency\` TEXT check (\`schedule_frequency\` in ('daily', 'weekly', 'monthly')) not null default 'weekly', \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, constraint \`customer_reports_generated_by_user_id_foreign\` foreign key (\`generated_by_user_id\`) references \`usuarios\` (\`id\`) on update no action on delete set null, constraint \`customer_reports_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on update no action on delete cascade);`);
    this.addSql(`insert into \`customer_reports__temp_alter\` select \`report_id\`, \`cliente_id\`, \`report_type\`, \`report_title\`, \`report_body\`, \`generated_by_user_id\`, \`date_from\`, \`date_to\`, \`file_path\`, \`format\`, \`is_scheduled\`, \`schedule_frequency\`, \`created_at\`, \`updated_at\` from \`customer_reports\`;`);
    this.addSql(`drop table \`customer_reports\`;`);
    this.addSql(`alter table \`customer_reports__temp_alter\` rename to \`customer_reports\`;`);
    this.addSql(`create index \`idx_client_reports\` on \`customer_reports\` (\`cliente_id\`, \`created_at\`);`);
    this.addSql(`create index \`customer_reports_generated_by_user_id_index\` on \`customer_reports\` (\`generated_by_user_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`alter table \`template_versions\` drop column \`snapshot\`;`);

    this.addSql(`alter table \`usuarios\` drop column \`marketing_consent\`;`);
    this.addSql(`alter table \`usuarios\` drop column \`consent_source\`;`);
    this.addSql(`alter table \`usuarios\` drop column \`legal_hold\`;`);

    this.addSql(`drop index \`idx_group_messages_uncounted\`;`);
    this.addSql(`alter table \`whatsapp_group_messages_log\` drop column \`mapping_counted\`;`);
  }

}
