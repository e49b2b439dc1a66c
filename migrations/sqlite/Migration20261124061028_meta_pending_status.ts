import { Migration } from '@mikro-orm/migrations';

export class Migration20261124061028_meta_pending_status extends Migration {

  override name = 'Migration20261124061028_meta_pending_status';

  override up(): void | Promise<void> {
    this.addSql(`create table \`meta_pending_status\` (\`id\` integer not null primary key autoincrement, \`message_id\` text not null, \`status\` text check (\`status\` in ('sent', 'delivered', 'read', 'failed')) not null, \`status_at\` datetime not null, \`error_code\` text null, \`error_title\` text null, \`received_at\` datetime not null);`);
    this.addSql(`create index \`idx_pending_status_received\` on \`meta_pending_status\` (\`received_at\`);`);
    this.addSql(`create unique index \`uniq_pending_status\` on \`meta_pending_status\` (\`message_id\`, \`status\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`meta_pending_status\`;`);
  }

}
