import { Migration } from '@mikro-orm/migrations';

export class Migration20261130184906_files_privacy extends Migration {

  override name = 'Migration20261130184906_files_privacy';

  override up(): void | Promise<void> {
    this.addSql(`alter table "usuarios" add "legal_hold" boolean not null default false;`);

    this.addSql(`alter table "client_file_storage" add "expired_at" timestamptz null;`);

    this.addSql(`alter table "audit_log" add "hash_version" int not null default 1, add "actor_phone_digest" varchar(64) null, add "target_digest" varchar(64) null, add "details_digest" varchar(64) null, add "erased_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "audit_log" drop column "hash_version", drop column "actor_phone_digest", drop column "target_digest", drop column "details_digest", drop column "erased_at";`);

    this.addSql(`alter table "client_file_storage" drop column "expired_at";`);

    this.addSql(`alter table "usuarios" drop column "legal_hold";`);
  }

}
