import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185024_templates_versions_sync extends Migration {

  override name = 'Migration20261130185024_templates_versions_sync';

  override up(): void | Promise<void> {
    this.addSql(`create table \`template_sync_state\` (\`state_key\` text not null primary key, \`state_value\` json null, \`updated_at\` datetime not null default current_timestamp);`);

    this.addSql(`alter table \`template_versions\` add column \`snapshot\` json null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`template_sync_state\`;`);

    this.addSql(`alter table \`template_versions\` drop column \`snapshot\`;`);
  }

}
