import { Migration } from '@mikro-orm/migrations';

export class Migration20261130184906_files_privacy extends Migration {

  override name = 'Migration20261130184906_files_privacy';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`usuarios\` add column \`legal_hold\` integer not null default false;`);

    this.addSql(`alter table \`client_file_storage\` add column \`expired_at\` datetime null;`);

    this.addSql(`alter table \`audit_log\` add column \`hash_version\` integer not null default 1;`);
    this.addSql(`alter table \`audit_log\` add column \`actor_phone_digest\` text null;`);
    this.addSql(`alter table \`audit_log\` add column \`target_digest\` text null;`);
    this.addSql(`alter table \`audit_log\` add column \`details_digest\` text null;`);
    this.addSql(`alter table \`audit_log\` add column \`erased_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`audit_log\` drop column \`hash_version\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`actor_phone_digest\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`target_digest\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`details_digest\`;`);
    this.addSql(`alter table \`audit_log\` drop column \`erased_at\`;`);

    this.addSql(`alter table \`client_file_storage\` drop column \`expired_at\`;`);

    this.addSql(`alter table \`usuarios\` drop column \`legal_hold\`;`);
  }

}
