import { Migration } from '@mikro-orm/migrations';

export class Migration20261130184955_durable_replies_consent extends Migration {

  override name = 'Migration20261130184955_durable_replies_consent';

  override up(): void | Promise<void> {
    this.addSql(`create table \`consent_events\` (\`id\` integer not null primary key autoincrement, \`cliente_id\` integer not null, \`action\` text check (\`action\` in ('granted', 'revoked')) not null, \`source\` text not null, \`created_at\` datetime not null, constraint \`consent_events_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`idx_consent_cliente\` on \`consent_events\` (\`cliente_id\`, \`created_at\`);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`usuarios__temp_alter\` (\`id\` integer not null primary key autoincrement, \`phoneNumber\` text not null, \`lid\` text null, \`nombre\` text null, \`email\` text null, \`region\` text null, \`location\` text null, \`birth_date\` date null, \`role_id\` integer null, \`user_type\` text check (\`user_type\` in ('client', 'agent', 'admin', 'analyst')) not null default 'client', \`last_login\` datetime null, \`login_count\` integer not null default 0, \`password_hash\` text null, \`is_active\` integer not null default true, \`account_status\` text check (\`account_status\` in ('active', 'suspended', 'inactive')) not null default 'active', \`marketing_opt_in\` integer not null default false, \`marketing_consent\` text check (\`marketing_consent\` in ('granted', 'revoked')) null, \`consent_source\` text null, \`opt_out_at\` datetime null, \`consent_at\` datetime null, \`totp_secret\` text null, \`totp_enabled_at\` datetime null, \`totp_last_step\` integer null, \`failed_login_count\` integer not null default 0, \`locked_until\` datetime null, \`last_message_at\` datetime null, \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, constraint \`usuarios_role_id_foreign\` foreign key (\`role_id\`) references \`user_roles\` (\`role_id\`) on delete set null);`);
    this.addSql(`insert into \`usuarios__temp_alter\` select \`id\`, \`phoneNumber\`, \`lid\`, \`nombre\`, \`email\`, \`region\`, \`location\`, \`birth_date\`, \`role_id\`, \`user_type\`, \`last_login\`, \`login_count\`, \`password_hash\`, \`is_active\`, \`account_status\`, \`marketing_opt_in\`, null as \`marketing_consent\`, null as \`consent_source\`, \`opt_out_at\`, \`consent_at\`, \`totp_secret\`, \`totp_enabled_at\`, \`totp_last_step\`, \`failed_login_count\`, \`locked_until\`, \`last_message_at\`, \`created_at\`, \`updated_at\` from \`usuarios\`;`);
    this.addSql(`drop table \`usuarios\`;`);
    this.addSql(`alter table \`usuarios__temp_alter\` rename to \`usuarios\`;`);
    this.addSql(`create unique index \`usuarios_phoneNumber_unique\` on \`usuarios\` (\`phoneNumber\`);`);
    this.addSql(`create unique index \`usuarios_lid_unique\` on \`usuarios\` (\`lid\`);`);
    this.addSql(`create index \`idx_user_role\` on \`usuarios\` (\`role_id\`);`);
    this.addSql(`create index \`idx_user_active\` on \`usuarios\` (\`is_active\`);`);
    this.addSql(`create index \`idx_user_region\` on \`usuarios\` (\`region\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`alter table \`conversations_log\` add column \`body_length\` integer null;`);
    this.addSql(`alter table \`conversations_log\` add column \`reply_state\` text null;`);
    this.addSql(`alter table \`conversations_log\` add column \`reply_claimed_at\` datetime null;`);
    this.addSql(`alter table \`conversations_log\` add column \`reply_to\` text null;`);
    this.addSql(`create index \`idx_conv_reply_state\` on \`conversations_log\` (\`reply_state\`, \`date\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`consent_events\`;`);

    this.addSql(`drop index \`idx_conv_reply_state\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`body_length\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`reply_state\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`reply_claimed_at\`;`);
    this.addSql(`alter table \`conversations_log\` drop column \`reply_to\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`usuarios__temp_alter\` (\`id\` integer not null primary key autoincrement, \`phoneNumber\` TEXT not null, \`lid\` TEXT null, \`nombre\` TEXT null, \`email\` TEXT null, \`region\` TEXT null, \`location\` TEXT null, \`birth_date\` date null, \`role_id\` INTEGER null, \`user_type\` TEXT check (\`user_type\` in ('client', 'agent', 'admin', 'analyst')) not null default 'client', \`last_login\` datetime null, \`login_count\` INTEGER not null default 0, \`password_hash\` TEXT null, \`is_active\` INTEGER not null default true, \`account_status\` TEXT check (\`account_status\` in ('active', 'suspended', 'inactive')) not null default 'active', \`marketing_opt_in\` INTEGER not null default true, \`opt_out_at\` datetime null, \`consent_at\` datetime null, \`totp_secret\` TEXT null, \`totp_enabled_at\` datetime null, \`failed_login_count\` INTEGER not null default 0, \`locked_until\` datetime null, \`last_message_at\` datetime null, \`created_at\` datetime not null default current_timestamp, \`updated_at\` datetime not null default current_timestamp, \`totp_last_step\` INTEGER null, constraint \`usuarios_role_id_foreign\` foreign key (\`role_id\`) references \`user_roles\` (\`role_id\`) on update no action on delete set null);`);
    this.addSql(`insert into \`usuarios__temp_alter\` select \`id\`, \`phoneNumber\`, \`lid\`, \`nombre\`, \`email\`, \`region\`, \`location\`, \`birth_date\`, \`role_id\`, \`user_type\`, \`last_login\`, \`login_count\`, \`password_hash\`, \`is_active\`, \`account_status\`, \`marketing_opt_in\`, \`opt_out_at\`, \`consent_at\`, \`totp_secret\`, \`totp_enabled_at\`, \`failed_login_count\`, \`locked_until\`, \`last_message_at\`, \`created_at\`, \`updated_at\`, \`totp_last_step\` from \`usuarios\`;`);
    this.addSql(`drop table \`usuarios\`;`);
    this.addSql(`alter table \`usuarios__temp_alter\` rename to \`usuarios\`;`);
    this.addSql(`create index \`idx_user_region\` on \`usuarios\` (\`region\`);`);
    this.addSql(`create index \`idx_user_active\` on \`usuarios\` (\`is_active\`);`);
    this.addSql(`create index \`idx_user_role\` on \`usuarios\` (\`role_id\`);`);
    this.addSql(`create unique index \`usuarios_lid_unique\` on \`usuarios\` (\`lid\`);`);
    this.addSql(`create unique index \`usuarios_phoneNumber_unique\` on \`usuarios\` (\`phoneNumber\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
