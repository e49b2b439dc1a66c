import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, type TestHarness } from '../../helpers/replay.ts';

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
});
