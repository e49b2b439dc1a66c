import { Migration } from '@mikro-orm/migrations';

export class Migration20261130211845_reports_summary extends Migration {

  override name = 'Migration20261130211845_reports_summary';

  override up(): void | Promise<void> {
    this.addSql(`create table \`channel_monthly_users\` (\`id\` integer not null primary key autoincrement, \`month\` text not null, \`channel_id\` integer not null, \`phone\` text not null, \`active_days\` integer not null default 0, constraint \`channel_monthly_users_channel_id_foreign\` foreign key (\`channel_id\`) references \`message_channels\` (\`channel_id\`) on delete cascade);`);
    this.addSql(`create unique index \`unique_channel_month_user\` on \`channel_monthly_users\` (\`month\`, \`channel_id\`, \`phone\`);`);

    this.addSql(`create table \`client_monthly_activity\` (\`id\` integer not null primary key autoincrement, \`month\` text not null, \`cliente_id\` integer not null, \`active_days\` integer not null default 0, constraint \`client_monthly_activity_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`unique_client_month\` on \`client_monthly_activity\` (\`month\`, \`cliente_id\`);`);

    this.addSql(`alter table \`channel_statistics\` add column \`users_summarized\` integer null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`channel_monthly_users\`;`);
    this.addSql(`drop table if exists \`client_monthly_activity\`;`);

    this.addSql(`alter table \`channel_statistics\` drop column \`users_summarized\`;`);
  }

}
