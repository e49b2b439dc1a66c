import type { EntityManager } from '@mikro-orm/sql';
import type { EntityName } from '@mikro-orm/core';

/**
 * Multi-row `INSERT … ON CONFLICT (key) DO NOTHING` for the ingest batches, written from the
 * entity metadata (so column names stay those of the entities) in the caller's transaction.
 * The query builder does the same but re-maps every row's keys one by one, which dominated the
 * ingest benchmark; this keeps the hot path to one statement per few hundred rows. Same SQL on
 * SQLite and PostgreSQL.
 */

const MAX_PARAMS = 30_000; // below SQLite's 32 766 and PostgreSQL's 65 535

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

export async function insertIgnore<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  rows: Array<Record<string, unknown>>,
  /** The unique column that makes a row a duplicate; null: any unique key (`ON CONFLICT DO NOTHING`). */
  conflictProp: string | null,
): Promise<void> {
  if (!rows.length) return;
  const meta = em.getMetadata().get(entity);
  const platform = em.getPlatform();
  const props = Object.keys(rows[0]!);
  const columns = props.map((p) => {
    const prop = meta.properties[p as keyof typeof meta.properties] as { fieldNames?: string[]; type?: string; customType?: object } | undefined;
    if (!prop?.fieldNames?.length) throw new Error(`insertIgnore: ${meta.className} has no column for "${p}"`);
    return { prop: p, column: prop.fieldNames[0]!, json: prop.type === 'JsonType' || prop.customType?.constructor?.name === 'JsonType' };
  });
  const conflict = conflictProp ? (meta.properties[conflictProp as keyof typeof meta.properties] as { fieldNames: string[] }).fieldNames[0]! : null;
  const head = `insert into ${quote(meta.tableName)} (${columns.map((c) => quote(c.column)).join(', ')}) values `;
  const tail = conflict ? ` on conflict (${quote(conflict)}) do nothing` : ' on conflict do nothing';
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));

  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    for (const row of chunk) {
      for (const c of columns) {
        const v = row[c.prop];
        if (v instanceof Date) params.push(platform.processDateProperty(v));
        else if (c.json && v !== null && v !== undefined) params.push(JSON.stringify(v));
        else params.push(v ?? null);
      }
    }
    await em.getConnection().execute(head + chunk.map(() => tuple).join(', ') + tail, params, 'run', em.getTransactionContext());
  }
}
