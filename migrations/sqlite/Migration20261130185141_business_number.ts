import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185141_business_number extends Migration {

  override name = 'Migration20261130185141_business_number';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`conversations_log\` add column \`business_number_id\` text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`conversations_log\` drop column \`business_number_id\`;`);
  }

}
