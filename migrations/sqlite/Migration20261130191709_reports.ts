import { Migration } from '@mikro-orm/migrations';

export class Migration20261130191709_reports extends Migration {

  override name = 'Migration20261130191709_reports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`message_pricing\` (\`message_id\` text not null primary key, \`category\` text not null, \`pricing_model\` text null, \`billable\` integer null, \`reported_at\` datetime not null);`);
    this.addSql(`create index \`idx_pricing_reported\` on \`message_pricing\` (\`reported_at\`);`);

    this.addSql(`create table \`report_schedules\` (\`schedule_id\` integer not null primary key autoincrement, \`report_type\` text check (\`report_type\` in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom')) not null, \`schedule_frequency\` text check (\`schedule_frequency\` in ('daily', 'weekly', 'monthly')) not null, \`format\` text check (\`format\` in ('pdf', 'csv', 'json', 'html')) not null default 'pdf', \`subscriber_user_id\` integer not null, \`is_active\` integer not null default true, \`created_at\` datetime not null default current_timestamp, \`cancelled_at\` datetime null, constraint \`report_schedules_subscriber_user_id_foreign\` foreign key (\`subscriber_user_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`report_schedules_subscriber_user_id_index\` on \`report_schedules\` (\`subscriber_user_id\`);`);
    this.addSql(`create index \`idx_report_schedule_active\` on \`report_schedules\` (\`is_active\`);`);

    this.addSql(`create table \`report_runs\` (\`run_id\` text not null primary key, \`schedule_id\` integer not null, \`period_key\` text not null, \`status\` text check (\`status\` in ('pending', 'running', 'delivered', 'failed')) not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime null, \`claimed_at\` datetime null, \`last_error\` text null, \`report_id\` text null, \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, constraint \`report_runs_schedule_id_foreign\` foreign key (\`schedule_id\`) references \`report_schedules\` (\`schedule_id\`) on delete cascade, constraint \`report_runs_report_id_foreign\` foreign key (\`report_id\`) references \`customer_reports\` (\`report_id\`) on delete set null);`);
    this.addSql(`create index \`report_runs_report_id_index\` on \`report_runs\` (\`report_id\`);`);
    this.addSql(`create index \`idx_report_run_status\` on \`report_runs\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create unique index \`unique_report_run\` on \`report_runs\` (\`schedule_id\`, \`period_key\`);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`customer_reports__temp_alter\` (\`report_id\` text not null primary key, \`cliente_id\` integer null, \`report_type\` text check (\`report_type\` in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom')) not null, \`report_title\` text null, \`report_body\` text null, \`generated_by_user_id\` integer null, \`date_from\` date null, \`date_to\` date null, \`file_path\` text null, \`format\` text check (\`format\` in ('pdf', 'csv', 'json', 'html')) not null default 'pdf', \`is_scheduled\` integer not null default false, \`schedule_frequency\` text check (\`schedule_frequency\` in ('daily', 'weekly', 'monthly')) not null default 'weekly', \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, constraint \`customer_reports_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade, constraint \`customer_reports_generated_by_user_id_foreign\` foreign key (\`generated_by_user_id\`) references \`usuarios\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`customer_reports__temp_alter\` select \`report_id\`, \`cliente_id\`, \`report_type\`, \`report_title\`, \`report_body\`, \`generated_by_user_id\`, \`date_from\`, \`date_to\`, \`file_path\`, \`format\`, \`is_scheduled\`, \`schedule_frequency\`, \`created_at\`, \`updated_at\` from \`customer_reports\`;`);
    this.addSql(`drop table \`customer_reports\`;`);
    this.addSql(`alter table \`customer_reports__temp_alter\` rename to \`customer_reports\`;`);
    this.addSql(`create index \`customer_reports_generated_by_user_id_index\` on \`customer_reports\` (\`generated_by_user_id\`);`);
    this.addSql(`create index \`idx_client_reports\` on \`customer_reports\` (\`cliente_id\`, \`created_at\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`create index \`idx_conv_channel_user\` on \`conversations_log\` (\`channel_id\`, \`date\`, \`from\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`message_pricing\`;`);
    this.addSql(`drop table if exists \`report_schedules\`;`);
    this.addSql(`drop table if exists \`report_runs\`;`);

    this.addSql(`drop index \`idx_conv_channel_user\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`customer_reports__temp_alter\` (\`report_id\` TEXT not null primary key, \`cliente_id\` INTEGER not null, \`report_type\` TEXT check (\`report_type\` in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom')) not null, \`report_title\` TEXT null, \`report_body\` TEXT null, \`generated_by_user_id\` INTEGER null, \`date_from\` date null, \`date_to\` date null, \`file_path\` TEXT null, \`format\` TEXT check (\`format\` in ('pdf', 'csv', 'json', 'html')) not null default 'pdf', \`is_scheduled\` INTEGER not null default false, \`schedule_frequency\` TEXT check (\`schedule_frequency\` in ('daily', 'weekly', 'monthly')) not null default 'weekly', \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, constraint \`customer_reports_generated_by_user_id_foreign\` foreign key (\`generated_by_user_id\`) references \`usuarios\` (\`id\`) on update no action on delete set null, constraint \`customer_reports_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on update no action on delete cascade);`);
    this.addSql(`insert into \`customer_reports__temp_alter\` select \`report_id\`, \`cliente_id\`, \`report_type\`, \`report_title\`, \`report_body\`, \`generated_by_user_id\`, \`date_from\`, \`date_to\`, \`file_path\`, \`format\`, \`is_scheduled\`, \`schedule_frequency\`, \`created_at\`, \`updated_at\` from \`customer_reports\`;`);
    this.addSql(`drop table \`customer_reports\`;`);
    this.addSql(`alter table \`customer_reports__temp_alter\` rename to \`customer_reports\`;`);
    this.addSql(`create index \`idx_client_reports\` on \`customer_reports\` (\`cliente_id\`, \`created_at\`);`);
    this.addSql(`create index \`customer_reports_generated_by_user_id_index\` on \`customer_reports\` (\`generated_by_user_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
