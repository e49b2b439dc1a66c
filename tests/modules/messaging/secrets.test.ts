import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, type TestHarness } from '../../helpers/replay.ts';
import { t } from '../../../src/shared/i18n/index.ts';

/**
 * Admin commands carry secrets (a password, one-time codes). The message log keeps every 1:1
 * message, so those bodies must be stored redacted — while the command itself still works.
 */
const ADMIN = '34600000001';
const PASSWORD = 'una frase muy larga y secreta 42';

describe('message log and command secrets', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createTestHarness('sqlite', { env: { ADMIN_PHONES: `+${ADMIN}` } });
  });
  afterAll(async () => h?.cleanup());

  it('stores /seguridad clave redacted in conversations_log, and the password still works', async () => {
    const reply = texts(await h.say(ADMIN, `/seguridad clave ${PASSWORD}`)).join('\n');
    expect(reply).not.toContain(PASSWORD);
    const logged = await rows<{ body: string }>(h, "select body from conversations_log where message_direction = 'inbound' and body like '/seguridad%'");
    expect(logged).toHaveLength(1);
    expect(logged[0]!.body).toBe('/seguridad clave [redactado]');
    const all = await rows<{ body: string | null }>(h, 'select body from conversations_log');
    expect(all.some((r) => r.body?.includes(PASSWORD))).toBe(false);
    const user = await rows<{ password_hash: string | null }>(h, 'select password_hash from usuarios where "phoneNumber" = ?', [ADMIN]);
    expect(user[0]!.password_hash).toMatch(/^\$2[aby]\$/);
  });

  it('stores /confirmar codes redacted but keeps ordinary commands as typed', async () => {
    await h.say(ADMIN, '/confirmar ABC123');
    await h.say(ADMIN, '/rol lista');
    const bodies = (await rows<{ body: string }>(h, "select body from conversations_log where message_direction = 'inbound' order by id")).map((r) => r.body);
    expect(bodies).toContain('/confirmar [redactado]');
    expect(bodies).not.toContain('/confirmar ABC123');
    expect(bodies).toContain('/rol lista');
  });

  it('logs the step-up confirmation reply with its one-time code redacted (only the hash is kept)', async () => {
    const [ask] = texts(await h.say(ADMIN, '/rol asignar +34600000077 agent'));
    const code = /\/confirmar ([A-Z0-9]{6})/.exec(ask!)?.[1];
    expect(code).toBeTruthy();
    const out = await rows<{ body: string }>(h, "select body from conversations_log where message_direction = 'outbound' and body like '%/confirmar%'");
    expect(out).toHaveLength(1);
    expect(out[0]!.body).not.toContain(code!);
    expect(out[0]!.body).toContain('/confirmar [redactado]');
    expect(texts(await h.say(ADMIN, `/confirmar ${code}`)).join('\n')).toMatch(/agent/);
  });

  it('never writes the TOTP enrolment QR (it carries the seed) to disk, and keeps the seed sealed', async () => {
    const [qr] = await h.say(ADMIN, '/seguridad totp');
    expect(qr!.content.image).toEqual({ omitted: 'secret' });
    const outbox = join(h.config.STORAGE_DIR, 'replay-outbox');
    expect(existsSync(outbox) ? readdirSync(outbox) : []).toEqual([]);
    const [{ totp_secret }] = await rows<{ totp_secret: string }>(h, 'select totp_secret from usuarios where "phoneNumber" = ?', [ADMIN]);
    expect(totp_secret).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('caps what it stores of huge messages (keeping their full length) and answers politely', async () => {
    const huge = `/rol lista ${'x'.repeat(100_000)}`;
    const reply = texts(await h.say(ADMIN, huge)).join('\n');
    expect(reply).toBe(t('admin.command_too_long', { max: '4000' }));
    const [row] = await rows<{ body: string; body_length: number }>(h, "select body, body_length from conversations_log where body like '/rol lista xxx%'");
    expect(row!.body.length).toBeLessThanOrEqual(h.config.MESSAGE_BODY_MAX_CHARS + 1);
    expect(row!.body_length).toBe(huge.length);
    const text = 'y'.repeat(2_000_000);
    await h.say('34600000055', text);
    const [big] = await rows<{ n: number; body_length: number }>(h, "select length(body) as n, body_length from conversations_log where \"from\" = '34600000055' and message_direction = 'inbound'");
    expect(big).toEqual({ n: h.config.MESSAGE_BODY_MAX_CHARS + 1, body_length: 2_000_000 });
  });

  it('greets a customer by a cleaned, shortened push name (no RTL override, no 100 KB echo)', async () => {
    const name = `Ana\u202Egnol ${'z'.repeat(100_000)}`;
    const [welcome] = texts(await h.say('34600000066', 'hola', { name }));
    expect(welcome).not.toContain('\u202E');
    expect(welcome!.length).toBeLessThan(200);
    expect(welcome).toContain('Anagnol');
    const [{ nombre }] = await rows<{ nombre: string }>(h, 'select nombre from usuarios where "phoneNumber" = ?', ['34600000066']);
    expect(Array.from(nombre).length).toBeLessThanOrEqual(60);
    expect(nombre).not.toContain('\u202E');
  });
});
