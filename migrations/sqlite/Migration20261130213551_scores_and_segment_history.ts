import { Migration } from '@mikro-orm/migrations';

export class Migration20261130213551_scores_and_segment_history extends Migration {

  override name = 'Migration20261130213551_scores_and_segment_history';

  override up(): void | Promise<void> {
    this.addSql(`create table \`segment_member_history\` (\`history_id\` text not null primary key, \`segment_id\` text not null, \`cliente_id\` integer not null, \`joined_date\` datetime not null, \`left_date\` datetime not null, \`reason_joined\` text null, \`created_at\` datetime not null default current_timestamp, constraint \`segment_member_history_segment_id_foreign\` foreign key (\`segment_id\`) references \`customer_segments\` (\`segment_id\`) on delete cascade, constraint \`segment_member_history_cliente_id_foreign\` foreign key (\`cliente_id\`) references \`usuarios\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`idx_segment_history_cliente\` on \`segment_member_history\` (\`cliente_id\`);`);
    this.addSql(`create index \`idx_segment_history\` on \`segment_member_history\` (\`segment_id\`, \`cliente_id\`, \`joined_date\`);`);

    this.addSql(`drop index \`idx_conv_cliente\`;`);
    this.addSql(`create index \`idx_conv_cliente\` on \`conversations_log\` (\`cliente_id\`, \`date\`, \`id\`, \`message_direction\`, \`channel_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`segment_member_history\`;`);

    this.addSql(`drop index \`idx_conv_cliente\`;`);
    this.addSql(`create index \`idx_conv_cliente\` on \`conversations_log\` (\`cliente_id\`, \`date\`);`);
  }

}
