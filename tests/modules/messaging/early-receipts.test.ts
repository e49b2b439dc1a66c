import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, pgAvailable, type TestOrm } from '../../helpers/db.ts';
import { createReceiptService } from '../../../src/modules/messaging/receipts.ts';
import { EarlyReceipt as MetaPendingStatus } from '../../../src/modules/messaging/early-receipt.entity.ts';
import { campaignReceiptHandler } from '../../../src/modules/campaigns/receipt-handler.ts';
import { templateReceiptHandler } from '../../../src/modules/templates/receipt-handler.ts';
import { CampaignRecipientLog } from '../../../src/modules/campaigns/campaign-recipient-log.entity.ts';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { TemplateUsageLog } from '../../../src/modules/templates/template-usage-log.entity.ts';
import type { ReceiptUpdated } from '../../../src/transport/events.ts';
import { fork, makeOutboundSend, makeUser } from '../meta/rows.ts';

const kinds = [{ kind: 'sqlite' as const, run: true }, { kind: 'postgresql' as const, run: await pgAvailable() }];

const receipt = (messageId: string, status: ReceiptUpdated['status'], at: number, error?: ReceiptUpdated['error']): ReceiptUpdated => ({
  type: 'receipt', platform: 'meta_cloud', messageId, status, timestamp: new Date(at * 1000), participantPhone: null, error: error ?? null,
});

const HOUR = 60 * 60_000;
const service = createReceiptService({ ttlMs: HOUR });
service.register(campaignReceiptHandler);
service.register(templateReceiptHandler);
const keepUnsettled = (em: ReturnType<typeof fork>, rs: ReceiptUpdated[], now: Date) => service.receive(em, rs, now);
const reapplyPendingStatuses = (em: ReturnType<typeof fork>, o: { now: Date; ttlMs: number; messageIds?: string[] }) => service.applyEarly(em, o);

describe.each(kinds.filter((k) => k.run))('early receipts (one durable store, both platforms) on $kind', ({ kind }) => {
  let db: TestOrm;
  beforeAll(async () => {
    db = await createTestOrm(kind);
  });
  afterAll(() => db.cleanup());

  const pending = (messageId: string) => fork(db.orm).find(MetaPendingStatus, { messageId }, { orderBy: { id: 'asc' } as never });

  it('keeps statuses of unrecorded sends only, once per status, and applies them in order when the rows appear', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const t0 = 1_800_000_000;
    // A plain reply already logged: its receipts apply at once and are not kept.
    const em0 = fork(db.orm);
    em0.create(ConversationLog, { from: '34600000902', cliente: await makeUser(em0, '34600000902'), date: now, messageId: 'wamid.T2', messageDirection: 'outbound', origin: 'flow', deliveryStatus: 'sent' } as never);
    await em0.flush();
    const early = [receipt('wamid.E1', 'read', t0 + 60), receipt('wamid.E1', 'sent', t0), receipt('wamid.E1', 'delivered', t0 + 5), receipt('wamid.T2', 'read', t0)];
    expect(await keepUnsettled(fork(db.orm), early, now)).toBe(3);
    // Meta retries: the same statuses again are not kept twice.
    await keepUnsettled(fork(db.orm), early, now);
    expect((await pending('wamid.E1')).map((p) => (p as { status: string }).status)).toEqual(['read', 'sent', 'delivered']);
    expect(await pending('wamid.T2')).toEqual([]);

    // Nothing recorded yet: nothing applied, nothing dropped.
    expect(await reapplyPendingStatuses(fork(db.orm), { now, ttlMs: HOUR })).toEqual({ applied: 0, settled: 0, expired: 0 });

    await makeOutboundSend(fork(db.orm), 'wamid.E1', '34600000903');
    expect(await reapplyPendingStatuses(fork(db.orm), { now, ttlMs: HOUR, messageIds: ['wamid.E1'] })).toEqual({ applied: 3, settled: 3, expired: 0 });
    const em = fork(db.orm);
    const rec = await em.findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.E1' });
    expect(rec.sendStatus).toBe('read');
    expect([rec.sentTimestamp, rec.deliveredTimestamp, rec.readTimestamp].map((d) => d!.getTime() / 1000)).toEqual([t0, t0 + 5, t0 + 60]);
    expect((await em.findOneOrFail(ConversationLog, { messageId: 'wamid.E1' })).deliveryStatus).toBe('read');
    expect((await em.findOneOrFail(TemplateUsageLog, { messageId: 'wamid.E1' })).status).toBe('read');
    expect(await pending('wamid.E1')).toEqual([]);
  });

  it('keeps a campaign status while only the conversation row exists, with Meta\'s error, until the recipient row records the id', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const em = fork(db.orm);
    const { campaign, client } = await makeOutboundSend(em, 'wamid.SEED', '34600000904');
    em.create(ConversationLog, { from: '34600000904', cliente: client, date: now, messageId: 'wamid.E2', messageDirection: 'outbound', origin: 'campaign', campaign, deliveryStatus: 'sent' } as never);
    await em.flush();
    await keepUnsettled(fork(db.orm), [receipt('wamid.E2', 'failed', 1_800_000_000, { code: 131026, title: 'Message undeliverable' })], now);
    expect(await pending('wamid.E2')).toMatchObject([{ status: 'failed', errorCode: '131026', errorTitle: 'Message undeliverable' }]);
    // Applied to the conversation already, kept for the campaign row.
    await reapplyPendingStatuses(fork(db.orm), { now, ttlMs: HOUR });
    expect((await fork(db.orm).findOneOrFail(ConversationLog, { messageId: 'wamid.E2' })).deliveryStatus).toBe('failed');
    expect(await pending('wamid.E2')).toHaveLength(1);

    const em2 = fork(db.orm);
    em2.create(CampaignRecipientLog, { campaign: campaign.campaignId, cliente: client.id, messageId: 'wamid.E2', sendStatus: 'sent', attempts: 1, campaignMessage: null } as never);
    await em2.flush();
    await reapplyPendingStatuses(fork(db.orm), { now, ttlMs: HOUR });
    expect(await fork(db.orm).findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.E2' })).toMatchObject({ sendStatus: 'failed', failureReason: '131026: Message undeliverable' });
    expect(await pending('wamid.E2')).toEqual([]);
  });

  it('drops statuses nobody claims after the time to live', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    await keepUnsettled(fork(db.orm), [receipt('wamid.NEVER', 'delivered', 1_800_000_000)], now);
    expect((await reapplyPendingStatuses(fork(db.orm), { now: new Date(now.getTime() + HOUR - 1), ttlMs: HOUR })).expired).toBe(0);
    expect((await reapplyPendingStatuses(fork(db.orm), { now: new Date(now.getTime() + HOUR + 1), ttlMs: HOUR })).expired).toBe(1);
    expect(await pending('wamid.NEVER')).toEqual([]);
  });
});
