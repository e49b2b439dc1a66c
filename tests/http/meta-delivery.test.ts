import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { createServices, type Services } from '../../src/services.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createMetaService } from '../../src/modules/meta/meta.service.ts';
import { ConversationLog } from '../../src/modules/messaging/conversation-log.entity.ts';
import { Usuario } from '../../src/modules/identity/usuario.entity.ts';
import { CampaignRecipientLog } from '../../src/modules/campaigns/campaign-recipient-log.entity.ts';
import { TemplateUsageLog } from '../../src/modules/templates/template-usage-log.entity.ts';
import { MessageTemplate } from '../../src/modules/templates/message-template.entity.ts';
import { WebhookInbox } from '../../src/modules/meta/webhook-inbox.entity.ts';
import { MessagePricing } from '../../src/modules/reports/message-pricing.entity.ts';
import { EarlyReceipt as MetaPendingStatus } from '../../src/modules/messaging/early-receipt.entity.ts';
import { envelope, messagesChange, multiEntry, sign, statusUpdate, templateStatusChange, textMessage } from '../helpers/meta.ts';
import { fork, makeOutboundSend, makeTemplate, makeUser } from '../modules/meta/rows.ts';
import { startTestServer, type TestServer } from './setup.ts';

/**
 * Delivery guarantees of the Meta webhook path: stored before the 200 and processed later (even by
 * another process after a crash), effects applied once whatever envelope Meta re-sends them in,
 * and statuses that arrive before their send is recorded kept until it is.
 */

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv.close());

async function post(body: unknown): Promise<string> {
  const { payload, headers } = sign(body);
  const res = await srv.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers });
  expect(res.statusCode).toBe(200);
  return (res.json() as { status: string }).status;
}

async function settle(services: Services = srv.services): Promise<void> {
  await services.meta.worker.drain(10_000);
  await services.ingest.drain();
}

/** Another process on the same database: nothing in memory survives from the first one. */
function anotherProcess(): Services {
  return createServices({ config: srv.config, logger: silentLogger(), orm: srv.orm, clock: systemClock });
}

const count = (messageId: string) => fork(srv.orm).count(ConversationLog, { messageId });
const inboxOf = async (messageId: string) =>
  (await fork(srv.orm).find(WebhookInbox, {}, { orderBy: { receivedAt: 'asc' } })).filter((r) => JSON.stringify(r.payload).includes(`"${messageId}"`));

describe('store before answering, process later', () => {
  it('answers 200 with the delivery in the inbox and no effect yet; the worker applies it later, once', async () => {
    await srv.services.meta.worker.stop();
    try {
      const msg = textMessage({ from: '34612000001', id: 'wamid.LATER1', body: 'después' });
      const body = envelope([messagesChange({ contacts: [{ wa_id: '34612000001', name: 'Eva' }], messages: [msg] })]);
      expect(await post(body)).toBe('stored');
      await sleep(50);
      expect(await inboxOf('wamid.LATER1')).toMatchObject([{ status: 'pending', attempts: 0, processedAt: null }]);
      expect(await count('wamid.LATER1')).toBe(0);
      expect(await fork(srv.orm).count(Usuario, { phoneNumber: '34612000001' })).toBe(0);
      // Meta retries while the worker is down: still one delivery.
      expect(await post(body)).toBe('duplicate');
    } finally {
      srv.services.meta.worker.start();
    }
    await settle();
    expect(await count('wamid.LATER1')).toBe(1);
    expect(await inboxOf('wamid.LATER1')).toMatchObject([{ status: 'done', attempts: 1 }]);
    expect((await fork(srv.orm).findOneOrFail(Usuario, { phoneNumber: '34612000001' })).nombre).toBe('Eva');
  });

  it('loses nothing when the process dies after answering, even mid-processing: another process applies it once', async () => {
    await srv.services.meta.worker.stop();
    try {
      const body = envelope([messagesChange({ contacts: [{ wa_id: '34612000002', name: 'Iker' }], messages: [textMessage({ from: '34612000002', id: 'wamid.CRASH1' })] })]);
      expect(await post(body)).toBe('stored');
      // A worker claimed it and died before finishing: the row stays `processing`.
      expect(await srv.services.meta.inbox.claim(10)).toHaveLength(1);
      expect(await count('wamid.CRASH1')).toBe(0);

      const other = anotherProcess();
      // Its lease is reclaimed once stale (staleMs 0 here; 5 minutes in production).
      const meta = createMetaService(other.deps, { sink: other.ingest, staleMs: 0 });
      await meta.worker.drain(10_000);
      await other.ingest.drain();
      await meta.worker.stop();
      await other.ingest.close();
      expect(await count('wamid.CRASH1')).toBe(1);
      expect(await inboxOf('wamid.CRASH1')).toMatchObject([{ status: 'done', attempts: 2 }]);
    } finally {
      srv.services.meta.worker.start();
    }
  });
});

describe('the same event in another envelope', () => {
  it('applies a status and a template verdict once when Meta re-sends them in a different batch', async () => {
    const t0 = 1_800_000_000;
    await makeOutboundSend(fork(srv.orm), 'wamid.TWICE', '34612000003');
    const tpl = await makeTemplate(fork(srv.orm), { metaTemplateName: 'cupon_otono', metaTemplateId: '7001' });
    const delivered = statusUpdate({ id: 'wamid.TWICE', status: 'delivered', timestamp: String(t0) });
    const approved = templateStatusChange({ event: 'APPROVED', id: 7001, name: 'cupon_otono' });
    expect(await post(envelope([messagesChange({ statuses: [delivered] }), approved], { time: t0 }))).toBe('stored');
    await settle();
    const snapshot = async () => {
      const em = fork(srv.orm);
      const rec = await em.findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.TWICE' });
      const conv = await em.findOneOrFail(ConversationLog, { messageId: 'wamid.TWICE' });
      const t = await em.findOneOrFail(MessageTemplate, { templateId: tpl.templateId });
      const usage = await em.findOneOrFail(TemplateUsageLog, { messageId: 'wamid.TWICE' });
      return {
        rec: [rec.sendStatus, rec.deliveredTimestamp?.getTime()],
        conv: [conv.deliveryStatus, conv.statusUpdatedAt?.getTime()],
        usage: usage.status,
        tpl: [t.status, t.approvalStatusMeta, t.approvalDate?.getTime(), t.updatedAt?.getTime(), JSON.stringify(t.metaResponseData)],
      };
    };
    const first = await snapshot();
    expect(first.rec).toEqual(['delivered', t0 * 1000]);
    expect(first.tpl.slice(0, 2)).toEqual(['approved', 'approved']);
    await sleep(20);
    // Re-sent later, rebatched: another entry time, other entries and items around them.
    const rebatched = multiEntry([
      [messagesChange({ contacts: [{ wa_id: '34612000004', name: 'Ana' }], messages: [textMessage({ from: '34612000004' })], statuses: [delivered] })],
      [approved],
    ], { time: t0 + 600 });
    expect(await post(rebatched)).toBe('stored');
    await settle();
    expect(await snapshot()).toEqual(first);
  });
});

describe('statuses that arrive before their send is recorded', () => {
  const pending = (messageId: string) => fork(srv.orm).find(MetaPendingStatus, { messageId }, { orderBy: { id: 'asc' } as never });

  it('keeps them durably and applies them once the send is recorded, even in another process', async () => {
    const t0 = 1_800_000_500;
    await post(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.EARLY1', status: 'sent', timestamp: String(t0) })] })]));
    await post(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.EARLY1', status: 'delivered', timestamp: String(t0 + 3) })] })]));
    await settle();
    expect((await inboxOf('wamid.EARLY1')).map((r) => r.status)).toEqual(['done', 'done']);
    expect((await pending('wamid.EARLY1')).map((p) => (p as { status: string }).status)).toEqual(['sent', 'delivered']);

    // The send is recorded now (conversation, campaign recipient, template usage) and the process
    // restarts: the sweep of the new process applies what waited.
    await makeOutboundSend(fork(srv.orm), 'wamid.EARLY1', '34612000005');
    const other = anotherProcess();
    // The periodic sweep (a job in src/jobs/index.ts) of the new process.
    await other.ingest.sweepEarlyReceipts();
    await other.ingest.close();
    const em = fork(srv.orm);
    const rec = await em.findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.EARLY1' });
    expect([rec.sendStatus, rec.sentTimestamp?.getTime(), rec.deliveredTimestamp?.getTime()]).toEqual(['delivered', t0 * 1000, (t0 + 3) * 1000]);
    expect((await em.findOneOrFail(ConversationLog, { messageId: 'wamid.EARLY1' })).deliveryStatus).toBe('delivered');
    expect((await em.findOneOrFail(TemplateUsageLog, { messageId: 'wamid.EARLY1' })).status).toBe('delivered');
    expect(await pending('wamid.EARLY1')).toEqual([]);
    expect(await em.findOne(MessagePricing, { messageId: 'wamid.EARLY1' })).toMatchObject({ category: 'marketing', billable: true, reportedAt: new Date(t0 * 1000) });
  });

  it('applies a campaign status at once when the sender records the message id and calls sweepEarlyReceipts with it', async () => {
    const em = fork(srv.orm);
    const { campaign } = await makeOutboundSend(em, 'wamid.SEED2', '34612000006');
    const client = await makeUser(em, '34612000007');
    // The conversation row is logged, the campaign row has not recorded the message id yet.
    em.create(ConversationLog, { from: '34612000007', cliente: client, date: new Date(), messageId: 'wamid.EARLY2', messageDirection: 'outbound', origin: 'campaign', campaign, deliveryStatus: 'sent' } as never);
    const recipient = em.create(CampaignRecipientLog, { campaign, cliente: client, sendStatus: 'sending', attempts: 1 } as never);
    await em.flush();
    await post(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.EARLY2', status: 'read', timestamp: '1800000900' })] })]));
    await settle();
    expect((await fork(srv.orm).findOneOrFail(ConversationLog, { messageId: 'wamid.EARLY2' })).deliveryStatus).toBe('read');
    expect(await pending('wamid.EARLY2')).toHaveLength(1);

    await fork(srv.orm).nativeUpdate(CampaignRecipientLog, { recipientLogId: recipient.recipientLogId }, { messageId: 'wamid.EARLY2', sendStatus: 'sent' });
    expect(await srv.services.ingest.sweepEarlyReceipts(['wamid.EARLY2'])).toMatchObject({ applied: 1, settled: 1 });
    expect(await fork(srv.orm).findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.EARLY2' })).toMatchObject({ sendStatus: 'read', readTimestamp: new Date(1_800_000_900_000) });
    expect(await pending('wamid.EARLY2')).toEqual([]);
  });

  it('does not keep statuses of a plain reply that is already logged', async () => {
    const em = fork(srv.orm);
    const client = await makeUser(em, '34612000008');
    em.create(ConversationLog, { from: '34612000008', cliente: client, date: new Date(), messageId: 'wamid.PLAIN1', messageDirection: 'outbound', origin: 'flow', deliveryStatus: 'sent' } as never);
    await em.flush();
    await post(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.PLAIN1', status: 'delivered' })] })]));
    await settle();
    expect((await fork(srv.orm).findOneOrFail(ConversationLog, { messageId: 'wamid.PLAIN1' })).deliveryStatus).toBe('delivered');
    expect(await pending('wamid.PLAIN1')).toEqual([]);
  });
});
