import type { EntityManager } from '@mikro-orm/sql';
import type { ReceiptUpdated } from '../../transport/events.ts';
import { ConversationLog } from './conversation-log.entity.ts';
import { DELIVERY_STATUSES } from './conversation-log.entity.ts';
import { EarlyReceipt, type IEarlyReceipt } from './early-receipt.entity.ts';
import { byRank, replaceableBy } from './status-order.ts';

/**
 * The one delivery-tracking path, for both platforms: a receipt updates the outbound
 * conversations_log row and then every per-send table another module registered a handler for
 * (campaign recipients, template usage, later others) — messaging never imports those modules.
 * A receipt whose send is not fully recorded yet (no outbound row, or a handler still missing
 * its row) waits in one durable store (`meta_pending_status`) and is applied again when the rows
 * appear (`applyEarly` with their ids) and by a periodic sweep. Every update is monotonic
 * (status-order.ts), so applying a receipt twice is harmless.
 */

/** What the outbound row says about a send: enough for a handler to know whether it expects a row. */
export interface SendFacts {
  messageId: string;
  origin: string | null;
  campaignId: string | null;
  messageType: string;
}

export interface ReceiptHandler {
  name: string;
  /** Applies the receipt to this module's rows for that message id; returns the rows changed. */
  apply(em: EntityManager, r: ReceiptUpdated): Promise<number>;
  /** Of these sends, the ids this module should have a row for but has none yet. */
  awaiting(em: EntityManager, sends: SendFacts[]): Promise<Set<string>>;
}

export function failureText(r: Pick<ReceiptUpdated, 'status' | 'error'>): string | null {
  if (r.status !== 'failed') return null;
  const parts = [r.error?.code !== undefined ? String(r.error.code) : null, r.error?.title ?? null].filter(Boolean);
  return (parts.length ? parts.join(': ') : 'failed').slice(0, 1000);
}

export interface ApplyResult {
  conversations: number;
  handlers: Record<string, number>;
}

export interface EarlyResult {
  applied: number;
  settled: number;
  expired: number;
}

export interface ReceiptService {
  register(handler: ReceiptHandler): void;
  /** Applies one receipt everywhere it belongs (no early-receipt bookkeeping). */
  apply(em: EntityManager, r: ReceiptUpdated): Promise<ApplyResult>;
  /** Applies receipts as they arrive; keeps those whose send is not fully recorded. Returns how many were kept. */
  receive(em: EntityManager, receipts: ReceiptUpdated[], now: Date): Promise<number>;
  /** Applies the waiting receipts whose rows exist now (only `messageIds` when given); drops settled and expired ones. */
  applyEarly(em: EntityManager, opts: { now: Date; messageIds?: string[]; pageSize?: number }): Promise<EarlyResult>;
}

export function createReceiptService(opts: { ttlMs?: number } = {}): ReceiptService {
  const handlers: ReceiptHandler[] = [];
  const ttlMs = opts.ttlMs ?? 60 * 60_000;

  async function applyConversation(em: EntityManager, r: ReceiptUpdated): Promise<number> {
    const failure = failureText(r);
    return em.nativeUpdate(
      ConversationLog,
      { messageId: r.messageId, messageDirection: 'outbound', $or: [{ deliveryStatus: null }, { deliveryStatus: { $in: replaceableBy(r.status, DELIVERY_STATUSES) } }] } as never,
      { deliveryStatus: r.status, statusUpdatedAt: r.timestamp, ...(failure ? { failureReason: failure } : {}) } as never,
    );
  }

  async function apply(em: EntityManager, r: ReceiptUpdated): Promise<ApplyResult> {
    const result: ApplyResult = { conversations: await applyConversation(em, r), handlers: {} };
    for (const h of handlers) result.handlers[h.name] = await h.apply(em, r);
    return result;
  }

  /** The ids whose send is fully recorded: the outbound row exists and no handler awaits its own row. */
  async function settledIds(em: EntityManager, ids: string[]): Promise<{ settled: Set<string>; known: Set<string> }> {
    const rows = (await em
      .createQueryBuilder(ConversationLog, 'c')
      .select(['c.messageId', 'c.origin', 'c.campaign', 'c.messageType'] as never)
      .where({ messageId: { $in: ids }, messageDirection: 'outbound' } as never)
      .execute('all')) as Array<{ messageId: string; origin: string | null; campaign: string | null; messageType: string }>;
    const sends: SendFacts[] = rows.map((c) => ({ messageId: c.messageId, origin: c.origin, campaignId: c.campaign ?? null, messageType: c.messageType }));
    const settled = new Set(sends.map((s) => s.messageId));
    for (const h of handlers) for (const id of await h.awaiting(em, sends)) settled.delete(id);
    return { settled, known: new Set(sends.map((s) => s.messageId)) };
  }

  // No `pricing` here: every handler (message_pricing included) already ran when the receipt
  // arrived (`receive` applies before keeping), and pricing needs no row of its own to land.
  const toReceipt = (p: IEarlyReceipt): ReceiptUpdated => ({
    type: 'receipt',
    platform: 'meta_cloud',
    messageId: p.messageId,
    status: p.status,
    timestamp: new Date(p.statusAt),
    participantPhone: null,
    error: p.errorCode || p.errorTitle ? { code: p.errorCode ?? undefined, title: p.errorTitle ?? undefined } : null,
  });

  return {
    register(h) {
      if (handlers.some((x) => x.name === h.name)) throw new Error(`receipt handler "${h.name}" registered twice`);
      handlers.push(h);
    },
    apply,
    async receive(em, receipts, now) {
      const tracked = receipts.filter((r) => r.status !== 'pending');
      if (!tracked.length) return 0;
      for (const r of tracked) await apply(em, r);
      const { settled } = await settledIds(em, [...new Set(tracked.map((r) => r.messageId))]);
      // Group receipts (one per participant) never match a conversations_log row: not kept.
      const early = tracked.filter((r) => !settled.has(r.messageId) && !r.participantPhone);
      if (!early.length) return 0;
      await em
        .createQueryBuilder(EarlyReceipt)
        .insert(early.map((r) => ({
          messageId: r.messageId,
          status: r.status,
          statusAt: r.timestamp,
          errorCode: r.error?.code !== undefined ? String(r.error.code).slice(0, 50) : null,
          errorTitle: r.error?.title ?? null,
          receivedAt: now,
        })) as never)
        .onConflict(['messageId', 'status'] as never)
        .ignore()
        .execute();
      return early.length;
    },
    async applyEarly(em, o) {
      const result: EarlyResult = { applied: 0, settled: 0, expired: 0 };
      if (!o.messageIds) result.expired = await em.nativeDelete(EarlyReceipt, { receivedAt: { $lt: new Date(o.now.getTime() - ttlMs) } } as never);
      if (o.messageIds && !o.messageIds.length) return result;
      const pageSize = o.pageSize ?? 500;
      let cursor = 0;
      for (;;) {
        const where: Record<string, unknown> = { id: { $gt: cursor } };
        if (o.messageIds) where.messageId = { $in: o.messageIds };
        const page = await em.find(EarlyReceipt, where as never, { orderBy: { id: 'asc' }, limit: pageSize, disableIdentityMap: true });
        if (!page.length) break;
        cursor = page[page.length - 1]!.id;
        const { settled, known } = await settledIds(em, [...new Set(page.map((p) => p.messageId))]);
        const ready = page.filter((p) => known.has(p.messageId)).sort(byRank);
        const done: number[] = [];
        for (const p of ready) {
          await apply(em, toReceipt(p));
          result.applied++;
          if (settled.has(p.messageId)) done.push(p.id);
        }
        if (done.length) result.settled += await em.nativeDelete(EarlyReceipt, { id: { $in: done } } as never);
        if (page.length < pageSize) break;
      }
      return result;
    },
  };
}
