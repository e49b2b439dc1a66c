import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185024_templates_versions_sync extends Migration {

  override name = 'Migration20261130185024_templates_versions_sync';

  override up(): void | Promise<void> {
    this.addSql(`create table "template_sync_state" ("state_key" varchar(64) not null, "state_value" jsonb null, "updated_at" timestamptz not null default current_timestamp, primary key ("state_key"));`);

    this.addSql(`alter table "template_versions" add "snapshot" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "template_sync_state" cascade;`);

    this.addSql(`alter table "template_versions" drop column "snapshot";`);
  }

}
