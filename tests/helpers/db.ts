import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM as PgAdminORM } from '@mikro-orm/postgresql';
import { loadConfig, type Config, type DbKind } from '../../src/config.ts';
import { initOrm, type Orm } from '../../src/db/orm.ts';
import { migrateAndSeed } from '../../src/db/seeds.ts';

/**
 * Throwaway databases for tests, migrated and seeded exactly as the app does at boot.
 *
 * - SQLite: a fresh file in a fresh directory under os.tmpdir().
 * - PostgreSQL: a fresh database `mariadono_t_<random>` on PG_TEST_URL (default
 *   postgres://postgres@127.0.0.1:5432, trust auth); it is created and dropped through the
 *   `test` database (PG_TEST_ADMIN_DB).
 *
 * PostgreSQL suites should start with
 *   describe.skipIf(!(await pgAvailable()))(...)
 * pgAvailable() prints one console.warn line when no server answered.
 */

/** The TOTP_ENCRYPTION_KEY of every test database's config (TOTP seeds are sealed with it). */
export const TEST_SECRET_KEY = '6d61726961646f6e6f2d746573742d6b65792d6e6f742d666f722d70726f6421';

export const PG_BASE_URL = (process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const PG_ADMIN_DB = process.env.PG_TEST_ADMIN_DB ?? 'test';

export interface TestOrm {
  orm: Orm;
  /** A full app config pointing at the test database (STORAGE_DIR is a fresh temp directory). */
  config: Config;
  /** Closes the ORM and deletes the database (and the temp directory). Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface TestOrmOptions {
  /** Extra environment for loadConfig (DATABASE_URL and STORAGE_DIR are set by the helper). */
  env?: Record<string, string>;
  /** Apply migrations and seeds (default true). */
  migrate?: boolean;
}

function pgUrl(dbName: string): string {
  return `${PG_BASE_URL}/${dbName}`;
}

/** Runs `fn` with a short-lived connection to the admin database. */
async function withPgAdmin<T>(fn: (exec: (sql: string) => Promise<unknown>) => Promise<T>): Promise<T> {
  const orm = await PgAdminORM.init({
    clientUrl: pgUrl(PG_ADMIN_DB),
    entities: [],
    discovery: { warnWhenNoEntities: false },
    debug: false,
    pool: { min: 0, max: 1 },
  });
  try {
    return await fn((sql) => orm.em.getConnection().execute(sql));
  } finally {
    await orm.close(true);
  }
}

function tcpReachable(url: string, timeoutMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

let pgProbe: Promise<boolean> | undefined;

/** Whether a PostgreSQL server answers `select 1` within 2 s (probed once per process). */
export function pgAvailable(): Promise<boolean> {
  pgProbe ??= (async () => {
    let ok = false;
    if (await tcpReachable(PG_BASE_URL, 2000)) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), 2000);
        timer.unref();
      });
      const probe = withPgAdmin(async (exec) => {
        await exec('select 1');
        return true;
      }).catch(() => false);
      ok = await Promise.race([probe, timeout]);
      clearTimeout(timer);
    }
    if (!ok) {
      console.warn(`[tests] PostgreSQL tests skipped: no PostgreSQL server answered at ${PG_BASE_URL} within 2 s.`);
    }
    return ok;
  })();
  return pgProbe;
}

/** A fresh, migrated and seeded database of the given kind. */
export async function createTestOrm(kind: DbKind, options: TestOrmOptions = {}): Promise<TestOrm> {
  const storageDir = mkdtempSync(join(tmpdir(), 'mariadono-test-'));
  let databaseUrl: string;
  let pgDbName: string | undefined;
  if (kind === 'sqlite') {
    databaseUrl = `sqlite:${join(storageDir, 'test.sqlite')}`;
  } else {
    pgDbName = `mariadono_t_${randomBytes(6).toString('hex')}`;
    await withPgAdmin((exec) => exec(`create database "${pgDbName}"`));
    databaseUrl = pgUrl(pgDbName);
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    WHATSAPP_ENABLED: 'false',
    TOTP_ENCRYPTION_KEY: TEST_SECRET_KEY,
    ...options.env,
    STORAGE_DIR: storageDir,
    DATABASE_URL: databaseUrl,
  });

  let orm: Orm | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    try {
      await orm?.close(true);
    } finally {
      if (pgDbName) {
        const name = pgDbName;
        await withPgAdmin((exec) => exec(`drop database if exists "${name}" with (force)`));
      }
      rmSync(storageDir, { recursive: true, force: true });
    }
  };

  try {
    orm = await initOrm(config);
    if (options.migrate !== false) await migrateAndSeed(orm);
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
  return { orm, config, cleanup };
}
