/**
 * Generates the next schema migration for BOTH dialects, so migrations/sqlite and
 * migrations/postgresql always describe the same schema.
 *
 *   node_modules/.bin/node scripts/migration-create.ts [name]
 *
 * 1. Edit the entities (src/modules/**\/*.entity.ts; new ones go in src/db/entities.ts).
 * 2. Run this script. For each dialect it builds a throwaway database, applies every existing
 *    migration to it, diffs that schema against the entities and writes the difference as
 *    migrations/<dialect>/Migration<timestamp>_<name>.ts (same timestamp and class name in both).
 *      - SQLite: a temp file under os.tmpdir().
 *      - PostgreSQL: a freshly created temp database on MIGRATION_PG_URL
 *        (default postgres://postgres@127.0.0.1:5432; created and dropped through the
 *        MIGRATION_PG_ADMIN_DB database, default `postgres`). A PostgreSQL server is required.
 * 3. Review both files, run `npx vitest run tests/db` (the schema test fails on any drift), commit.
 *
 * With no schema change it writes nothing and says so. `name` may contain letters, digits and _.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MikroORM as PgAdminORM } from '@mikro-orm/postgresql';
import type { Config, DbKind } from '../src/config.ts';
import { initOrm, migrate, migrationsPath } from '../src/db/orm.ts';

const PG_URL = (process.env.MIGRATION_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const PG_ADMIN_DB = process.env.MIGRATION_PG_ADMIN_DB ?? 'postgres';

export interface CreatedMigration {
  kind: DbKind;
  file: string;
}

async function pgAdmin(sql: string): Promise<void> {
  const orm = await PgAdminORM.init({
    clientUrl: `${PG_URL}/${PG_ADMIN_DB}`,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    debug: false,
  });
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close(true);
  }
}

/** Migrates a throwaway database of `kind` to the latest migration and writes the diff, if any. */
async function diffFor(kind: DbKind, name: string | undefined): Promise<string | undefined> {
  let db: Config['db'];
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mariadono-migration-'));
    const sqlitePath = join(dir, 'schema.sqlite');
    db = { kind, url: `sqlite:${sqlitePath}`, sqlitePath };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const dbName = `mariadono_mig_${randomBytes(6).toString('hex')}`;
    await pgAdmin(`create database "${dbName}"`);
    db = { kind, url: `${PG_URL}/${dbName}` };
    cleanup = () => pgAdmin(`drop database if exists "${dbName}" with (force)`);
  }
  try {
    const orm = await initOrm({ db });
    try {
      await migrate(orm);
      const result = await orm.migrator.create(undefined, false, false, name);
      return result.fileName || undefined;
    } finally {
      await orm.close(true);
    }
  } finally {
    await cleanup();
  }
}

/** Renames a generated migration (file, class and `name`) to `Migration<stamp>[_name]`. */
function restamp(kind: DbKind, fileName: string, target: string): string {
  const dir = migrationsPath(kind);
  const oldName = fileName.replace(/\.ts$/, '');
  const code = readFileSync(join(dir, fileName), 'utf8').split(oldName).join(target);
  writeFileSync(join(dir, `${target}.ts`), code);
  if (`${target}.ts` !== fileName) rmSync(join(dir, fileName));
  return `${target}.ts`;
}

/** Generates the next migration for SQLite and PostgreSQL; returns the files written. */
export async function createMigrations(name?: string): Promise<CreatedMigration[]> {
  if (name !== undefined && !/^[A-Za-z0-9_]+$/.test(name)) {
    throw new Error(`migration name "${name}": use letters, digits and _ only`);
  }
  const stamp = new Date().toISOString().replace(/[-T:]|\.\d{3}Z$/g, '');
  const target = `Migration${stamp}${name ? `_${name}` : ''}`;
  const created: CreatedMigration[] = [];
  for (const kind of ['sqlite', 'postgresql'] as const) {
    const file = await diffFor(kind, name);
    if (file) created.push({ kind, file: restamp(kind, file, target) });
  }
  if (created.length === 1) {
    // The entities are shared, so a change normally shows in both dialects. If it does not,
    // keep the file and tell the author to check it (e.g. a dialect-specific type change).
    console.warn(`warning: only ${created[0]!.kind} has a schema change; review it before committing.`);
  }
  return created;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [name, ...rest] = process.argv.slice(2);
  if (rest.length || name === '-h' || name === '--help') {
    console.error('usage: node_modules/.bin/node scripts/migration-create.ts [name]');
    process.exit(2);
  }
  try {
    const created = await createMigrations(name);
    if (!created.length) {
      console.log('No schema changes: the migrations already match the entities. Nothing written.');
    } else {
      for (const c of created) console.log(`created migrations/${c.kind}/${c.file}`);
    }
  } catch (err) {
    console.error(`migration-create failed: ${(err as Error).message}`);
    process.exit(1);
  }
}
