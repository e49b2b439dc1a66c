import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185105_group_member_events extends Migration {

  override name = 'Migration20261130185105_group_member_events';

  override up(): void | Promise<void> {
    this.addSql(`create table "whatsapp_group_member_events" ("event_id" serial primary key, "group_id" varchar(255) not null, "membership_id" uuid not null, "member_phone_number" varchar(20) not null, "action" text not null, "actor_phone_number" varchar(64) null, "source" text not null default 'event', "event_timestamp" timestamptz not null, "created_at" timestamptz not null default current_timestamp);`);
    this.addSql(`create index "idx_member_events_group" on "whatsapp_group_member_events" ("group_id", "event_timestamp");`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "unique_member_event" unique ("membership_id", "action", "event_timestamp");`);

    this.addSql(`alter table "whatsapp_group_messages_log" add "mapping_counted" boolean not null default false;`);
    this.addSql(`create index "idx_group_messages_uncounted" on "whatsapp_group_messages_log" ("mapping_counted", "group_id");`);

    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_group_id_foreign" foreign key ("group_id") references "whatsapp_groups" ("group_id") on delete cascade;`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_membership_id_foreign" foreign key ("membership_id") references "whatsapp_group_members" ("membership_id") on delete cascade;`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_action_check" check ("action" in ('join', 'leave', 'remove', 'promote', 'demote'));`);
    this.addSql(`alter table "whatsapp_group_member_events" add constraint "whatsapp_group_member_events_source_check" check ("source" in ('event', 'sync'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "whatsapp_group_member_events" cascade;`);

    this.addSql(`drop index "idx_group_messages_uncounted";`);
    this.addSql(`alter table "whatsapp_group_messages_log" drop column "mapping_counted";`);
  }

}
