import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import { createTestHarness, upsert, wa, T0, type TestHarness } from '../helpers/replay.ts';

describe('session health in /health', () => {
  let h: TestHarness;
  afterEach(async () => h.cleanup());

  it('shows the transport status, the last inbound message time and decryption failures', async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
    await h.feed(upsert([wa({ phone: '34600000001', text: 'hola', ts: T0 + 5 })]));
    await h.feed(upsert([{ key: { remoteJid: '34600000002@s.whatsapp.net', fromMe: false, id: 'CIPHER-1' }, messageTimestamp: T0 + 6, messageStubType: 2, messageStubParameters: ['Bad MAC'] }]));
    await h.feed({ type: 'connection.update', data: { connection: 'close', lastDisconnect: { error: { message: 'Connection Lost', output: { statusCode: 408 } } } } });

    const app = await buildServer({ config: h.config, logger: h.services.deps.logger, orm: h.orm, services: h.services });
    try {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json().whatsapp).toMatchObject({
        status: 'reconnecting',
        reconnects: 1,
        lastError: 'Connection Lost',
        decryptFailures: 1,
        lastInboundAt: new Date((T0 + 5) * 1000).toISOString(),
      });
    } finally {
      await app.close();
    }
    // The undecryptable placeholder is not logged: Baileys redelivers it decrypted with the same id.
    const [{ n }] = (await h.orm.em.fork().getConnection().execute("select count(*) as n from conversations_log where message_id = 'CIPHER-1'")) as Array<{ n: number }>;
    expect(n).toBe(0);
  });
});
