import { Migration } from '@mikro-orm/migrations';

export class Migration20261130185150_segments_engine extends Migration {

  override name = 'Migration20261130185150_segments_engine';

  override up(): void | Promise<void> {
    this.addSql(`create table \`segment_overrides\` (\`override_id\` text not null primary key, \`segment_id\` text not null, \`cliente_id\` integer not null, \`mode\` text check (\`mode\` in ('include', 'exclude')) not null, \`source\` text not null default 'manual', \`created_at\` datetime not null default current_timestamp, constraint \`segment_overrides_segment_id_foreign\` foreign key (\`segment_id\`) references \`customer_segments\` (\`segment_id\`) on delete cascade, constraint \`segment_overrides_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`idx_segment_override_cliente\` on \`segment_overrides\` (\`cliente_id\`);`);
    this.addSql(`create unique index \`unique_segment_override\` on \`segment_overrides\` (\`segment_id\`, \`cliente_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`segment_overrides\`;`);
  }

}
