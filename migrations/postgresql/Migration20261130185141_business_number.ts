import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185141_business_number extends Migration {

  override name = 'Migration20261130185141_business_number';

  override up(): void | Promise<void> {
    this.addSql(`alter table "conversations_log" add "business_number_id" varchar(50) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "conversations_log" drop column "business_number_id";`);
  }

}
