import type { EntityManager } from '@mikro-orm/sql';
import type { DbKind } from '../../config.ts';

/**
 * What the database holds, read from the database itself (tables and text columns) and from the
 * ORM metadata (foreign keys to `usuarios`). Export and erasure walk these lists rather than a
 * hand-kept table list, so a table another module adds later is covered without touching this code.
 */

export interface TextColumn {
  table: string;
  column: string;
  json: boolean;
  /** varchar(n): replacements are cut to fit (PostgreSQL refuses longer values; SQLite does not check). */
  maxLength?: number | null;
}

export interface ClientReference {
  table: string;
  column: string;
  /** The schema deletes these rows with the client (per-client detail rows). */
  cascade: boolean;
}

const SKIP_TABLES = new Set(['mikro_orm_migrations']);

export const quoteIdent = (kind: DbKind, name: string) => (kind === 'postgresql' ? `"${name.replace(/"/g, '""')}"` : `\`${name.replace(/`/g, '``')}\``);

/** Every user table. */
export async function listTables(em: EntityManager, kind: DbKind): Promise<string[]> {
  const rows = (await em.execute(
    kind === 'postgresql'
      ? `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`
      : `select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`,
  )) as Array<{ name: string }>;
  return rows.map((r) => r.name).filter((n) => !SKIP_TABLES.has(n)).sort();
}

/** Every column that can hold text (strings, JSON, and SQLite's loosely typed columns). */
export async function listTextColumns(em: EntityManager, kind: DbKind): Promise<TextColumn[]> {
  const out: TextColumn[] = [];
  if (kind === 'postgresql') {
    const rows = (await em.execute(
      `select table_name, column_name, data_type, character_maximum_length from information_schema.columns
       where table_schema = current_schema() and data_type in ('text', 'character varying', 'character', 'json', 'jsonb')`,
    )) as Array<{ table_name: string; column_name: string; data_type: string; character_maximum_length: number | null }>;
    for (const r of rows) {
      if (!SKIP_TABLES.has(r.table_name)) out.push({ table: r.table_name, column: r.column_name, json: r.data_type.startsWith('json'), maxLength: r.character_maximum_length });
    }
    return out;
  }
  for (const table of await listTables(em, kind)) {
    const cols = (await em.execute(`pragma table_info(${quoteIdent(kind, table)})`)) as Array<{ name: string; type: string }>;
    for (const c of cols) {
      const type = (c.type ?? '').toLowerCase();
      // Integers, reals and datetimes cannot hold a name or a phone as text; everything else can.
      if (/int|real|floa|doub|numeric|decimal|bool|date|time/.test(type)) continue;
      out.push({ table, column: c.name, json: type.includes('json') });
    }
  }
  return out;
}

/** Foreign keys to `usuarios.id`, from the ORM metadata. */
export function clientReferences(em: EntityManager): ClientReference[] {
  const out: ClientReference[] = [];
  for (const meta of em.getMetadata().getAll().values()) {
    if (!meta.tableName || meta.tableName === 'usuarios') continue;
    for (const prop of meta.relations ?? []) {
      if (prop.kind !== 'm:1' || prop.targetMeta?.tableName !== 'usuarios') continue;
      if (prop.targetKey && prop.targetKey !== 'id') continue;
      out.push({ table: meta.tableName, column: prop.fieldNames[0]!, cascade: prop.deleteRule === 'cascade' });
    }
  }
  return out;
}
