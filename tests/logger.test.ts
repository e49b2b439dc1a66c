import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

function capture(level: string) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level, destination, pretty: false }), text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('never writes phones, JIDs or message bodies at info level', () => {
    const { logger, text } = capture('info');
    logger.info({ phone: '34600000001', body: 'mi contraseña', event: { remoteJid: '34600000001@s.whatsapp.net', text: 'hola' } }, 'message');
    logger.warn({ senderPhone: '34600000002', pushName: 'Ana' }, 'warned');
    const out = text();
    expect(out).not.toMatch(/3460000000[12]|mi contraseña|hola|Ana/);
    expect(out).toContain('[redacted]');
    expect(JSON.parse(out.split('\n')[0]!).msg).toBe('message');
  });

  it('redacts the values a database error quotes', () => {
    const { logger, text } = capture('info');
    const err = Object.assign(new Error('duplicate key'), { detail: 'Key ("phoneNumber")=(34600000001) already exists.', sql: "insert … values ('34600000001')" });
    logger.error({ err }, 'write failed');
    const out = text();
    expect(out).toContain('duplicate key');
    expect(out).not.toContain('34600000001');
  });

  it('keeps the reason of an ORM query error but not the SQL with its values', () => {
    const { logger, text } = capture('warn');
    const err = new Error(`insert into "conversations_log" ("from", "body") values ('34600000001', 'hola') - UNIQUE constraint failed: conversations_log.message_id`);
    logger.warn({ err }, 'retrying');
    const out = text();
    expect(out).toContain('UNIQUE constraint failed');
    expect(out).toContain('[sql redacted]');
    expect(out).not.toMatch(/34600000001|hola/);
  });

  it('always redacts secrets, and shows content only at debug', () => {
    const { logger, text } = capture('debug');
    logger.debug({ phone: '34600000001', password: 'hunter2', token: 'abc' }, 'diagnose');
    const out = text();
    expect(out).toContain('34600000001');
    expect(out).not.toMatch(/hunter2|"abc"/);
  });
});
