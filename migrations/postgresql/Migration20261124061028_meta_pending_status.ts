import { Migration } from '@mikro-orm/migrations';

export class Migration20261124061028_meta_pending_status extends Migration {

  override name = 'Migration20261124061028_meta_pending_status';

  override up(): void | Promise<void> {
    this.addSql(`create table "meta_pending_status" ("id" serial primary key, "message_id" varchar(255) not null, "status" text not null, "status_at" timestamptz not null, "error_code" varchar(50) null, "error_title" text null, "received_at" timestamptz not null);`);
    this.addSql(`create index "idx_pending_status_received" on "meta_pending_status" ("received_at");`);
    this.addSql(`alter table "meta_pending_status" add constraint "uniq_pending_status" unique ("message_id", "status");`);

    this.addSql(`alter table "meta_pending_status" add constraint "meta_pending_status_status_check" check ("status" in ('sent', 'delivered', 'read', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "meta_pending_status" cascade;`);
  }

}
