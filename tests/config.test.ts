import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseDuration, resolveDatabase } from '../src/config.ts';
import { initOrm } from '../src/db/orm.ts';

describe('loadConfig', () => {
  it('applies defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.HTTP_PORT).toBe(3008);
    expect(c.db.kind).toBe('sqlite');
    expect(c.db.sqlitePath).toMatch(/storage[\\/]mariadono\.sqlite$/);
    expect(c.REPLY_MAX_AGE).toBe(600_000);
    expect(c.MEDIA_MAX_BYTES).toBe(64 * 1024 * 1024);
    expect(c.GROUP_SYNC_CRON).toBe('0 */6 * * *');
    expect(c.jwtSecretEphemeral).toBe(true);
    expect(c.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('sizes the SQLite page cache from SQLITE_CACHE_MB (64 MiB by default) and refuses nonsense in Spanish', async () => {
    expect(loadConfig({}).db.sqliteCacheMb).toBe(64);
    expect(loadConfig({ SQLITE_CACHE_MB: '256' }).db.sqliteCacheMb).toBe(256);
    for (const bad of ['0', '1.5', 'mucho', '100000']) {
      expect(() => loadConfig({ SQLITE_CACHE_MB: bad })).toThrow(/SQLITE_CACHE_MB: se esperaba un número de MiB entre 2 y 65536/);
    }
    const dir = mkdtempSync(join(tmpdir(), 'mariadono-cache-'));
    const orm = await initOrm(loadConfig({ STORAGE_DIR: dir, SQLITE_CACHE_MB: '48' }));
    try {
      expect(await orm.em.getConnection().execute('pragma cache_size')).toEqual([{ cache_size: -48 * 1024 }]);
    } finally {
      await orm.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ HTTP_PORT: '', DATABASE_URL: '' }).HTTP_PORT).toBe(3008);
  });

  it('parses lists, booleans and durations', () => {
    const c = loadConfig({ ADMIN_PHONES: '+34 600 000 001, +52 55 1234 5678', ALLOW_GROUP_COMMANDS: 'true', REPLY_MAX_AGE: '30s' });
    expect(c.ADMIN_PHONES).toEqual(['34600000001', '525512345678']);
    expect(c.ALLOW_GROUP_COMMANDS).toBe(true);
    expect(c.REPLY_MAX_AGE).toBe(30_000);
  });

  it('takes several Cloud API numbers, a current Graph API version and mark-as-read on by default', () => {
    const c = loadConfig({ META_PHONE_NUMBER_ID: '106540352242922, 106540352242923' });
    expect(c.META_PHONE_NUMBER_ID).toEqual(['106540352242922', '106540352242923']);
    expect(c.META_GRAPH_URL).toBe('https://graph.facebook.com/v24.0');
    expect(c.META_MARK_READ).toBe(true);
    expect(loadConfig({}).META_PHONE_NUMBER_ID).toEqual([]);
    expect(loadConfig({ META_MARK_READ: 'false' }).META_MARK_READ).toBe(false);
  });

  it.each([
    ['HTTP_PORT', 'abc'],
    ['HTTP_PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'verbose'],
    ['ADMIN_PHONES', '12,notaphone'],
    ['JWT_SECRET', 'short'],
    ['META_GRAPH_URL', 'not a url'],
    ['META_PHONE_NUMBER_ID', '106540352242922,abc'],
    ['GROUP_SYNC_CRON', 'every day'],
    ['REPLY_MAX_AGE', 'ten minutes'],
    ['TZ', 'Mars/Olympus'],
    ['PAIRING_PHONE', '12'],
    ['WHATSAPP_ENABLED', 'maybe'],
  ])('rejects a bad %s (%s) naming the variable', (name, value) => {
    try {
      loadConfig({ [name]: value });
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.join('\n')).toContain(`${name}:`);
    }
  });

  it('refuses the removed AUTH_LOCKOUT, naming what replaced it', () => {
    expect(() => loadConfig({ AUTH_LOCKOUT: '15m' })).toThrow(/AUTH_LOCKOUT: ya no existe[\s\S]*AUTH_BACKOFF_MAX/);
    expect(loadConfig({ AUTH_BACKOFF_MAX: '5m', AUTH_FAILURE_WINDOW: '1h' })).toMatchObject({ AUTH_BACKOFF_MAX: 300_000, AUTH_FAILURE_WINDOW: 3_600_000 });
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ HTTP_PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/HTTP_PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*HTTP_PORT/);
  });
});

describe('resolveDatabase', () => {
  it('accepts sqlite: paths and postgres URLs', () => {
    expect(resolveDatabase('sqlite:/tmp/x.db', '/s')).toEqual({ kind: 'sqlite', url: 'sqlite:/tmp/x.db', sqlitePath: '/tmp/x.db' });
    expect(resolveDatabase('postgres://postgres@127.0.0.1:5432/db', '/s').kind).toBe('postgresql');
    expect(resolveDatabase(undefined, '/s').sqlitePath).toBe('/s/mariadono.sqlite');
  });
});

describe('parseDuration', () => {
  it('understands units', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1000')).toBe(1000);
    expect(parseDuration('soon')).toBeNull();
  });
});
