import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185150_segments_engine extends Migration {

  override name = 'Migration20261130185150_segments_engine';

  override up(): void | Promise<void> {
    this.addSql(`create table "segment_overrides" ("override_id" uuid not null, "segment_id" uuid not null, "cliente_id" int not null, "mode" text not null, "source" varchar(20) not null default 'manual', "created_at" timestamptz not null default current_timestamp, primary key ("override_id"));`);
    this.addSql(`create index "idx_segment_override_cliente" on "segment_overrides" ("cliente_id");`);
    this.addSql(`alter table "segment_overrides" add constraint "unique_segment_override" unique ("segment_id", "cliente_id");`);

    this.addSql(`alter table "customer_scores" alter column "score_value" type numeric(12,2) using ("score_value"::numeric(12,2));`);

    this.addSql(`alter table "segment_overrides" add constraint "segment_overrides_segment_id_foreign" foreign key ("segment_id") references "customer_segments" ("segment_id") on delete cascade;`);
    this.addSql(`alter table "segment_overrides" add constraint "segment_overrides_cliente_id_foreign" foreign key ("cliente_id") references "usuarios" ("id") on delete cascade;`);
    this.addSql(`alter table "segment_overrides" add constraint "segment_overrides_mode_check" check ("mode" in ('include', 'exclude'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "segment_overrides" cascade;`);

    this.addSql(`alter table "customer_scores" alter column "score_value" type numeric(5,2) using ("score_value"::numeric(5,2));`);
  }

}
