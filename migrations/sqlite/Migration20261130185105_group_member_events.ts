import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185105_group_member_events extends Migration {

  override name = 'Migration20261130185105_group_member_events';

  override up(): void | Promise<void> {
    this.addSql(`create table \`whatsapp_group_member_events\` (\`event_id\` integer not null primary key autoincrement, \`group_id\` text not null, \`membership_id\` text not null, \`member_phone_number\` text not null, \`action\` text check (\`action\` in ('join', 'leave', 'remove', 'promote', 'demote')) not null, \`actor_phone_number\` text null, \`source\` text check (\`source\` in ('event', 'sync')) not null default 'event', \`event_timestamp\` datetime not null, \`created_at\` datetime not null default current_timestamp, constraint \`whatsapp_group_member_events_group_id_foreign\` foreign key (\`group_id\`) references \`whatsapp_groups\` (\`group_id\`) on delete cascade, constraint \`whatsapp_group_member_events_membership_id_foreign\` foreign key (\`membership_id\`) references \`whatsapp_group_members\` (\`membership_id\`) on delete cascade);`);
    this.addSql(`create index \`idx_member_events_group\` on \`whatsapp_group_member_events\` (\`group_id\`, \`event_timestamp\`);`);
    this.addSql(`create unique index \`unique_member_event\` on \`whatsapp_group_member_events\` (\`membership_id\`, \`action\`, \`event_timestamp\`);`);

    this.addSql(`alter table \`whatsapp_group_messages_log\` add column \`mapping_counted\` integer not null default false;`);
    this.addSql(`create index \`idx_group_messages_uncounted\` on \`whatsapp_group_messages_log\` (\`mapping_counted\`, \`group_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`whatsapp_group_member_events\`;`);

    this.addSql(`drop index \`idx_group_messages_uncounted\`;`);
    this.addSql(`alter table \`whatsapp_group_messages_log\` drop column \`mapping_counted\`;`);
  }

}
