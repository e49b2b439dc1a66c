import { describe, expect, it } from 'vitest';
import { databaseWhere, describeFailure } from '../../src/cli/failure.ts';
import { loadConfig } from '../../src/config.ts';

const sqlite = loadConfig({ STORAGE_DIR: '/tmp/x', HTTP_PORT: '3008', BOT_PORT: '3009' });
const pg = loadConfig({ DATABASE_URL: 'postgres://app:secreto@db.local:6543/crm' });
const sys = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${code} something`), { code, ...extra });

describe('describeFailure: one Spanish sentence per usual start-up failure', () => {
  it('names the busy port and the variable that sets it', () => {
    expect(describeFailure(sys('EADDRINUSE', { port: 3008 }), sqlite)).toBe('el puerto 3008 ya está en uso (HTTP_PORT): cierra el programa que lo ocupa o elige otro con HTTP_PORT=<puerto>.');
    expect(describeFailure(sys('EADDRINUSE', { port: 3009 }), sqlite)).toMatch(/\(BOT_PORT\)/);
    expect(describeFailure(sys('EACCES', { port: 80 }), sqlite)).toMatch(/^no hay permiso para escuchar en el puerto 80/);
  });

  it('says where PostgreSQL was expected, never the password, also for errors wrapped in causes', () => {
    const wrapped = new Error('init failed', { cause: new AggregateError([sys('ECONNREFUSED')]) });
    expect(describeFailure(wrapped, pg)).toBe('no puedo conectar con PostgreSQL en db.local:6543/crm (DATABASE_URL): comprueba que el servidor está en marcha y acepta conexiones.');
    expect(describeFailure(sys('28P01'), pg)).toBe('PostgreSQL en db.local:6543/crm rechaza el usuario o la contraseña de DATABASE_URL.');
    expect(databaseWhere('postgres://u:p@h/db')).toBe('h:5432/db');
    expect(describeFailure(sys('ECONNREFUSED'), pg)).not.toContain('secreto');
  });

  it('explains an SQLite file that cannot be opened, and falls back to the first line of anything else', () => {
    expect(describeFailure(sys('SQLITE_CANTOPEN'), sqlite)).toMatch(/^no puedo abrir la base de datos SQLite \/tmp\/x\/mariadono\.sqlite/);
    expect(describeFailure(new Error('algo raro\n    at x.js:1'), sqlite)).toBe('ha fallado: algo raro (más detalles con LOG_LEVEL=debug).');
  });
});
