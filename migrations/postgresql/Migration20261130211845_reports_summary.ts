import { Migration } from '@mikro-orm/migrations';

export class Migration20261130211845_reports_summary extends Migration {

  override name = 'Migration20261130211845_reports_summary';

  override up(): void | Promise<void> {
    this.addSql(`create table "channel_monthly_users" ("id" serial primary key, "month" varchar(7) not null, "channel_id" int not null, "phone" varchar(50) not null, "active_days" int not null default 0);`);
    this.addSql(`alter table "channel_monthly_users" add constraint "unique_channel_month_user" unique ("month", "channel_id", "phone");`);

    this.addSql(`create table "client_monthly_activity" ("id" serial primary key, "month" varchar(7) not null, "cliente_id" int not null, "active_days" int not null default 0);`);
    this.addSql(`alter table "client_monthly_activity" add constraint "unique_client_month" unique ("month", "cliente_id");`);

    this.addSql(`alter table "channel_statistics" add "users_summarized" boolean null;`);

    this.addSql(`alter table "channel_monthly_users" add constraint "channel_monthly_users_channel_id_foreign" foreign key ("channel_id") references "message_channels" ("channel_id") on delete cascade;`);

    this.addSql(`alter table "client_monthly_activity" add constraint "client_monthly_activity_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "channel_monthly_users" cascade;`);
    this.addSql(`drop table if exists "client_monthly_activity" cascade;`);

    this.addSql(`alter table "channel_statistics" drop column "users_summarized";`);
  }

}
