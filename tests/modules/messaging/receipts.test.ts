import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, type TestOrm } from '../../helpers/db.ts';
import { createReceiptService } from '../../../src/modules/messaging/receipts.ts';
import { normalizeStatus, replaceableBy as statusesBelow } from '../../../src/modules/messaging/status-order.ts';
import { campaignReceiptHandler } from '../../../src/modules/campaigns/receipt-handler.ts';
import { templateReceiptHandler } from '../../../src/modules/templates/receipt-handler.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { CampaignRecipientLog } from '../../../src/modules/campaigns/campaign-recipient-log.entity.ts';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { TemplateUsageLog } from '../../../src/modules/templates/template-usage-log.entity.ts';
import type { ReceiptUpdated } from '../../../src/transport/events.ts';
import { fork, makeOutboundSend } from '../meta/rows.ts';

const service = createReceiptService();
service.register(campaignReceiptHandler);
service.register(templateReceiptHandler);
const applyReceipt = async (em: EntityManager, r: ReceiptUpdated) => {
  const res = await service.apply(em, r);
  return { conversations: res.conversations, recipients: res.handlers.campaign_recipient_log, templateUsages: res.handlers.template_usage_log };
};

let db: TestOrm;
beforeAll(async () => {
  db = await createTestOrm('sqlite');
});
afterAll(() => db.cleanup());

const receipt = (messageId: string, status: ReceiptUpdated['status'], at: number, error?: ReceiptUpdated['error']): ReceiptUpdated => ({
  type: 'receipt', platform: 'meta_cloud', messageId, status, timestamp: new Date(at * 1000), error: error ?? null,
});

async function state(messageId: string) {
  const em = fork(db.orm);
  const conv = await em.findOneOrFail(ConversationLog, { messageId });
  const rec = await em.findOneOrFail(CampaignRecipientLog, { messageId });
  const usage = await em.findOneOrFail(TemplateUsageLog, { messageId });
  return { conv, rec, usage };
}

describe('the status order (status-order.ts)', () => {
  it('counts Baileys\' played as read and ignores words it does not know', () => {
    expect(['played', 'read', 'sent', 'sending', 'deleted'].map(normalizeStatus)).toEqual(['read', 'read', 'sent', null, null]);
  });

  it('only lets a status move forward', () => {
    const all = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed'];
    expect(statusesBelow('sent', all)).toEqual(['pending', 'sending']);
    expect(statusesBelow('delivered', all)).toEqual(['pending', 'sending', 'sent']);
    expect(statusesBelow('read', all)).toEqual(['pending', 'sending', 'sent', 'delivered', 'failed']);
    expect(statusesBelow('failed', all)).toEqual(['pending', 'sending', 'sent']);
  });
});

describe('the receipt service: conversations_log plus the handlers other modules register', () => {
  it('moves conversation, campaign recipient and template usage through sent → delivered → read with timestamps', async () => {
    await makeOutboundSend(fork(db.orm), 'wamid.R1');
    await applyReceipt(fork(db.orm), receipt('wamid.R1', 'sent', 1_700_000_000));
    await applyReceipt(fork(db.orm), receipt('wamid.R1', 'delivered', 1_700_000_010));
    await applyReceipt(fork(db.orm), receipt('wamid.R1', 'read', 1_700_000_020));
    const { conv, rec, usage } = await state('wamid.R1');
    expect(conv.deliveryStatus).toBe('read');
    expect(conv.statusUpdatedAt?.getTime()).toBe(1_700_000_020_000);
    expect(rec.sendStatus).toBe('read');
    expect([rec.sentTimestamp?.getTime(), rec.deliveredTimestamp?.getTime(), rec.readTimestamp?.getTime()]).toEqual([
      1_700_000_000_000, 1_700_000_010_000, 1_700_000_020_000,
    ]);
    expect(usage.status).toBe('read');
  });

  it('never moves backwards when receipts arrive late or twice, but fills a missing timestamp', async () => {
    await makeOutboundSend(fork(db.orm), 'wamid.R2', '34600000778');
    await applyReceipt(fork(db.orm), receipt('wamid.R2', 'read', 1_700_000_020));
    await applyReceipt(fork(db.orm), receipt('wamid.R2', 'delivered', 1_700_000_010));
    await applyReceipt(fork(db.orm), receipt('wamid.R2', 'sent', 1_700_000_000));
    await applyReceipt(fork(db.orm), receipt('wamid.R2', 'read', 1_700_000_099));
    const { conv, rec, usage } = await state('wamid.R2');
    expect(conv.deliveryStatus).toBe('read');
    expect(rec.sendStatus).toBe('read');
    expect(rec.readTimestamp?.getTime()).toBe(1_700_000_020_000);
    expect(rec.deliveredTimestamp?.getTime()).toBe(1_700_000_010_000);
    expect(usage.status).toBe('read');
  });

  it('records a failure with Meta\'s code and title', async () => {
    await makeOutboundSend(fork(db.orm), 'wamid.R3', '34600000779');
    await applyReceipt(fork(db.orm), receipt('wamid.R3', 'failed', 1_700_000_005, { code: 131026, title: 'Message undeliverable' }));
    const { conv, rec, usage } = await state('wamid.R3');
    expect(conv).toMatchObject({ deliveryStatus: 'failed', failureReason: '131026: Message undeliverable' });
    expect(rec).toMatchObject({ sendStatus: 'failed', failureReason: '131026: Message undeliverable' });
    expect(usage.status).toBe('failed');
  });

  it('touches nothing for an unknown message id', async () => {
    expect(await applyReceipt(fork(db.orm), receipt('wamid.UNKNOWN', 'read', 1))).toEqual({ conversations: 0, recipients: 0, templateUsages: 0 });
  });
});
