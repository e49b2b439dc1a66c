import { Migration } from '@mikro-orm/migrations';

export class Migration20261130191709_reports extends Migration {

  override name = 'Migration20261130191709_reports';

  override up(): void | Promise<void> {
    this.addSql(`create table "message_pricing" ("message_id" varchar(255) not null, "category" varchar(50) not null, "pricing_model" varchar(50) null, "billable" boolean null, "reported_at" timestamptz not null, primary key ("message_id"));`);
    this.addSql(`create index "idx_pricing_reported" on "message_pricing" ("reported_at");`);

    this.addSql(`create table "report_schedules" ("schedule_id" serial primary key, "report_type" text not null, "schedule_frequency" text not null, "format" text not null default 'pdf', "subscriber_user_id" int not null, "is_active" boolean not null default true, "created_at" timestamptz not null default current_timestamp, "cancelled_at" timestamptz null);`);
    this.addSql(`create index "idx_report_schedule_active" on "report_schedules" ("is_active");`);

    this.addSql(`create table "report_runs" ("run_id" uuid not null, "schedule_id" int not null, "period_key" varchar(10) not null, "status" text not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "claimed_at" timestamptz null, "last_error" text null, "report_id" uuid null, "created_at" timestamptz not null default current_timestamp, "updated_at" timestamptz not null default current_timestamp, primary key ("run_id"));`);
    this.addSql(`create index "idx_report_run_status" on "report_runs" ("status", "next_attempt_at");`);
    this.addSql(`alter table "report_runs" add constraint "unique_report_run" unique ("schedule_id", "period_key");`);

    this.addSql(`alter table "customer_reports" alter column "cliente_id" drop not null;`);

    this.addSql(`create index "idx_conv_channel_user" on "conversations_log" ("channel_id", "date", "from");`);

    this.addSql(`alter table "report_schedules" add constraint "report_schedules_subscriber_user_id_foreign" foreign key ("subscriber_user_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_report_type_check" check ("report_type" in ('monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom'));`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_schedule_frequency_check" check ("schedule_frequency" in ('daily', 'weekly', 'monthly'));`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_format_check" check ("format" in ('pdf', 'csv', 'json', 'html'));`);

    this.addSql(`alter table "report_runs" add constraint "report_runs_schedule_id_foreign" foreign key ("schedule_id") references "report_schedules" ("schedule_id") on delete cascade;`);
    this.addSql(`alter table "report_runs" add constraint "report_runs_report_id_foreign" foreign key ("report_id") references "customer_reports" ("report_id") on delete set null;`);
    this.addSql(`alter table "report_runs" add constraint "report_runs_status_check" check ("status" in ('pending', 'running', 'delivered', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "report_runs" drop constraint "report_runs_schedule_id_foreign";`);

    this.addSql(`drop table if exists "message_pricing" cascade;`);
    this.addSql(`drop table if exists "report_schedules" cascade;`);
    this.addSql(`drop table if exists "report_runs" cascade;`);

    this.addSql(`drop index "idx_conv_channel_user";`);

    this.addSql(`alter table "customer_reports" alter column "cliente_id" set not null;`);
  }

}
