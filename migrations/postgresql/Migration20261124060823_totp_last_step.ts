import { Migration } from '@mikro-orm/migrations';

export class Migration20261124060823_totp_last_step extends Migration {

  override name = 'Migration20261124060823_totp_last_step';

  override up(): void | Promise<void> {
    this.addSql(`alter table "usuarios" add "totp_last_step" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "usuarios" drop column "totp_last_step";`);
  }

}
