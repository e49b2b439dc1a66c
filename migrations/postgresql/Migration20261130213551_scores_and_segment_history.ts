import { Migration } from '@mikro-orm/migrations';

export class Migration20261130213551_scores_and_segment_history extends Migration {

  override name = 'Migration20261130213551_scores_and_segment_history';

  override up(): void | Promise<void> {
    this.addSql(`create table "segment_member_history" ("history_id" uuid not null, "segment_id" uuid not null, "cliente_id" int not null, "joined_date" timestamptz not null, "left_date" timestamptz not null, "reason_joined" varchar(255) null, "created_at" timestamptz not null default current_timestamp, primary key ("history_id"));`);
    this.addSql(`create index "idx_segment_history_cliente" on "segment_member_history" ("cliente_id");`);
    this.addSql(`create index "idx_segment_history" on "segment_member_history" ("segment_id", "cliente_id", "joined_date");`);

    this.addSql(`drop index "idx_conv_cliente";`);
    this.addSql(`create index "idx_conv_cliente" on "conversations_log" ("cliente_id", "date", "id", "message_direction", "channel_id");`);

    this.addSql(`alter table "segment_member_history" add constraint "segment_member_history_segment_id_foreign" foreign key ("segment_id") references "customer_segments" ("segment_id") on delete cascade;`);
    this.addSql(`alter table "segment_member_history" add constraint "segment_member_history_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "segment_member_history" cascade;`);

    this.addSql(`drop index "idx_conv_cliente";`);
    this.addSql(`create index "idx_conv_cliente" on "conversations_log" ("cliente_id", "date");`);
  }

}
