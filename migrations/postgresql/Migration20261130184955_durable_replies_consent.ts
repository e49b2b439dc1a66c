import { Migration } from '@mikro-orm/migrations';

export class Migration20261130184955_durable_replies_consent extends Migration {

  override name = 'Migration20261130184955_durable_replies_consent';

  override up(): void | Promise<void> {
    this.addSql(`create table "consent_events" ("id" serial primary key, "cliente_id" int not null, "action" text not null, "source" varchar(100) not null, "created_at" timestamptz not null);`);
    this.addSql(`create index "idx_consent_cliente" on "consent_events" ("cliente_id", "created_at");`);

    this.addSql(`alter table "usuarios" add "marketing_consent" text null, add "consent_source" varchar(100) null;`);
    this.addSql(`alter table "usuarios" alter column "marketing_opt_in" set default false;`);
    this.addSql(`alter table "usuarios" alter column "totp_secret" type varchar(255) using ("totp_secret"::varchar(255));`);
    this.addSql(`alter table "usuarios" add constraint "usuarios_marketing_consent_check" check ("marketing_consent" in ('granted', 'revoked'));`);

    this.addSql(`alter table "conversations_log" add "body_length" int null, add "reply_state" varchar(16) null, add "reply_claimed_at" timestamptz null, add "reply_to" varchar(255) null;`);
    this.addSql(`create index "idx_conv_reply_state" on "conversations_log" ("reply_state", "date");`);

    this.addSql(`alter table "consent_events" add constraint "consent_events_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_action_check" check ("action" in ('granted', 'revoked'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "consent_events" cascade;`);

    this.addSql(`drop index "idx_conv_reply_state";`);
    this.addSql(`alter table "conversations_log" drop column "body_length", drop column "reply_state", drop column "reply_claimed_at", drop column "reply_to";`);

    this.addSql(`alter table "usuarios" drop constraint "usuarios_marketing_consent_check";`);
    this.addSql(`alter table "usuarios" drop column "marketing_consent", drop column "consent_source";`);
    this.addSql(`alter table "usuarios" alter column "marketing_opt_in" set default true;`);
    this.addSql(`alter table "usuarios" alter column "totp_secret" type varchar(64) using ("totp_secret"::varchar(64));`);
  }

}
