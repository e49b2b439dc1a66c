import { Migration } from '@mikro-orm/migrations';

export class Migration20261124060823_totp_last_step extends Migration {

  override name = 'Migration20261124060823_totp_last_step';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`usuarios\` add column \`totp_last_step\` integer null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`usuarios\` drop column \`totp_last_step\`;`);
  }

}
