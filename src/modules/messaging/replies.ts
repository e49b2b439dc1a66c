import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { withEm, type Orm } from '../../db/orm.ts';
import { ConversationLog, type ReplyState } from './conversation-log.entity.ts';
import type { Reply } from '../../transport/types.ts';
import type { Platform } from '../../transport/events.ts';

/**
 * Durable, idempotent answers to inbound messages. The guarantee (README, "Replies survive a
 * crash"): a message that should be answered is answered once, even across a crash or restart.
 *
 * - Ingest writes an answerable inbound message with `reply_state = 'pending'` in the same
 *   statement that logs it; it becomes `done` only after every reply left.
 * - Whoever answers first *claims* it with a conditional update (`pending → claimed` for flows,
 *   `pending → running` for slash commands), so two workers — or a redelivery racing the first
 *   delivery — never both answer. A claim left by a crashed process is taken over: on SQLite
 *   (one process owns the file) as soon as this process does not hold it; on PostgreSQL once
 *   the claim is older than the lease.
 * - Each reply's message id is derived from the inbound id and the reply's position
 *   (`replyMessageId`), and its outbound row is written `pending` before the transport sees it
 *   and `sent` only once the transport accepted it. Running the flows again after a crash thus
 *   skips replies already sent and re-sends the others under the same id (WhatsApp itself
 *   treats a repeated message id as the same message).
 * - A slash command runs at most once: if a crash leaves it `running`, it is not run again (its
 *   effect is unknown) and the sender is told so; once it has run, its replies are stored
 *   (`replying`, as pending outbound rows) before any is sent, so they are re-sent, not recomputed.
 */

export const ANSWERABLE_STATES: readonly ReplyState[] = ['pending', 'claimed', 'running', 'replying'];

/** The outbound id of the `position`-th reply to `inboundId`: WhatsApp-shaped (3EB0 + 18 hex). */
export function replyMessageId(inboundId: string, position: number): string {
  return `3EB0${createHash('sha256').update(`${inboundId}\u0000${position}`).digest('hex').toUpperCase().slice(0, 18)}`;
}

export type ClaimResult =
  /** Nobody had started it: answer it now. */
  | { kind: 'fresh' }
  /** A crashed (or lease-expired) attempt left it in `state`: recover from there. */
  | { kind: 'recover'; state: Exclude<ReplyState, 'pending' | 'done'> }
  /** Someone else is answering it, it is done, or it was never to be answered. */
  | { kind: 'skip' };

/** What a stored command reply keeps so it can be re-sent after a crash (no secrets, no buffers). */
export type StoredReply =
  | { kind: 'text'; text: string }
  | { kind: 'image' | 'document'; path: string; caption?: string; fileName?: string; mimetype?: string }
  | { kind: 'omitted' };

export function storableReply(reply: Reply, loggedBody: string | null): StoredReply {
  if (reply.kind === 'text') return { kind: 'text', text: loggedBody ?? '' };
  if ((reply.kind === 'image' || reply.kind === 'document') && reply.path && !(reply.kind === 'image' && reply.secret)) {
    return { kind: reply.kind, path: reply.path, caption: reply.caption, mimetype: reply.mimetype, ...(reply.kind === 'document' ? { fileName: reply.fileName } : {}) };
  }
  return { kind: 'omitted' };
}

export function replyFromStored(s: StoredReply): Reply | null {
  switch (s.kind) {
    case 'text':
      return { kind: 'text', text: s.text };
    case 'image':
      return { kind: 'image', path: s.path, caption: s.caption, mimetype: s.mimetype };
    case 'document':
      return { kind: 'document', path: s.path, caption: s.caption, fileName: s.fileName ?? 'archivo', mimetype: s.mimetype ?? 'application/octet-stream' };
    default:
      return null;
  }
}

export interface PendingInbound {
  messageId: string;
  state: ReplyState;
  remoteJid: string | null;
  body: string | null;
  messageType: string;
  date: Date;
  platform: string | null;
  businessNumberId: string | null;
  /** The message's extra data (`raw`): a tapped button's id, a reaction's target … */
  extra: Record<string, unknown> | null;
  clienteId: number | null;
  phone: string;
  name: string | null;
}

export interface ReplyStore {
  claim(messageId: string, kind: 'flow' | 'command'): Promise<ClaimResult>;
  /** Gives the claim up; `back`: the state to leave it in for the next sweep (null: untouched). */
  release(messageId: string, back: 'pending' | 'replying' | null): Promise<void>;
  done(messageId: string): Promise<void>;
  /** The stored replies of a command interrupted while replying, in order. */
  storedReplies(messageId: string): Promise<Array<{ position: number; reply: StoredReply; status: string | null }>>;
  /** Whether `messageId` is this client's first inbound message (the welcome depends on it). */
  isFirstInbound(messageId: string): Promise<boolean>;
  /**
   * Answerable messages newer than `since` that nobody holds, oldest first, of one platform
   * (each channel sweeps its own: another platform's backlog never fills its page). Rows
   * without a platform were logged by Baileys.
   */
  unanswered(since: Date, limit: number, platform: Platform): Promise<PendingInbound[]>;
  /**
   * Who answers what a crash or a failed send left pending: each running channel registers its
   * sweeper (Baileys session, Cloud API channel); `sweep` runs them all (a job, every minute).
   */
  addSweeper(fn: () => Promise<unknown>): () => void;
  sweep(): Promise<void>;
}

export function createReplyStore(deps: { orm: Orm; dbKind: 'sqlite' | 'postgresql'; leaseMs?: number; wallClock?: () => number }): ReplyStore {
  const wall = deps.wallClock ?? Date.now;
  // SQLite: one process owns the file, so any claim this process does not hold is a dead one.
  const leaseMs = deps.dbKind === 'sqlite' ? 0 : (deps.leaseMs ?? 120_000);
  const held = new Set<string>();
  const sweepers = new Set<() => Promise<unknown>>();

  const conn = (em: EntityManager) => em.getConnection();

  async function takeOver(em: EntityManager, messageId: string): Promise<ClaimResult> {
    const row = await em.findOne(ConversationLog, { messageId } as never, { fields: ['replyState', 'replyClaimedAt'] as never, disableIdentityMap: true });
    const state = row?.replyState ?? null;
    if (!state || state === 'pending' || state === 'done') return { kind: 'skip' };
    if (held.has(messageId)) return { kind: 'skip' };
    const claimedAt = row!.replyClaimedAt ?? null;
    if (leaseMs && wall() - (claimedAt?.getTime() ?? 0) < leaseMs) return { kind: 'skip' };
    // Compare-and-set on the claim time: of two takers, one wins.
    const n = await em.nativeUpdate(
      ConversationLog,
      { messageId, replyState: state, replyClaimedAt: claimedAt } as never,
      { replyClaimedAt: new Date(wall()) } as never,
    );
    if (n !== 1) return { kind: 'skip' };
    return { kind: 'recover', state: state as Exclude<ReplyState, 'pending' | 'done'> };
  }

  return {
    claim: (messageId, kind) =>
      withEm(deps.orm, async (em) => {
        if (held.has(messageId)) return { kind: 'skip' } as const;
        const n = await em.nativeUpdate(
          ConversationLog,
          { messageId, replyState: 'pending' } as never,
          { replyState: kind === 'flow' ? 'claimed' : 'running', replyClaimedAt: new Date(wall()) } as never,
        );
        const result: ClaimResult = n === 1 ? { kind: 'fresh' } : await takeOver(em, messageId);
        if (result.kind !== 'skip') held.add(messageId);
        return result;
      }),
    async release(messageId, back) {
      held.delete(messageId);
      if (back) await withEm(deps.orm, (em) => em.nativeUpdate(ConversationLog, { messageId } as never, { replyState: back, replyClaimedAt: null } as never));
    },
    async done(messageId) {
      try {
        await withEm(deps.orm, (em) => em.nativeUpdate(ConversationLog, { messageId } as never, { replyState: 'done', replyClaimedAt: null } as never));
      } finally {
        held.delete(messageId);
      }
    },
    storedReplies: (messageId) =>
      withEm(deps.orm, async (em) => {
        const rows = (await conn(em).execute(
          `select raw, delivery_status from conversations_log where reply_to = ? and message_direction = 'outbound'`,
          [messageId],
        )) as Array<{ raw: unknown; delivery_status: string | null }>;
        return rows
          .map((r) => {
            const raw = (typeof r.raw === 'string' ? JSON.parse(r.raw) : r.raw) as { position?: number; reply?: StoredReply } | null;
            return { position: raw?.position ?? 0, reply: raw?.reply ?? { kind: 'omitted' as const }, status: r.delivery_status };
          })
          .sort((a, b) => a.position - b.position);
      }),
    isFirstInbound: (messageId) =>
      withEm(deps.orm, async (em) => {
        const [row] = (await conn(em).execute(
          `select count(*) as n from conversations_log c join conversations_log m on m.message_id = ?
            where c.cliente_id = m.cliente_id and c.message_direction = 'inbound' and c.id < m.id`,
          [messageId],
        )) as Array<{ n: number | string }>;
        return Number(row?.n ?? 0) === 0;
      }),
    addSweeper(fn) {
      sweepers.add(fn);
      return () => void sweepers.delete(fn);
    },
    async sweep() {
      for (const fn of [...sweepers]) await fn();
    },
    unanswered: (since, limit, platform) =>
      withEm(deps.orm, async (em) => {
        const onPlatform = platform === 'baileys' ? { $or: [{ platformOrigin: 'baileys' }, { platformOrigin: null }] } : { platformOrigin: platform };
        const rows = await em.find(
          ConversationLog,
          { replyState: { $in: [...ANSWERABLE_STATES] }, date: { $gte: since }, ...onPlatform } as never,
          { orderBy: [{ date: 'asc' }, { id: 'asc' }] as never, limit, populate: ['cliente'] as never, disableIdentityMap: true },
        );
        return rows
          .filter((r) => !held.has(r.messageId))
          .map((r) => ({
            messageId: r.messageId,
            state: r.replyState!,
            remoteJid: r.remoteJid ?? null,
            body: r.body ?? null,
            messageType: r.messageType,
            date: r.date,
            platform: r.platformOrigin ?? null,
            businessNumberId: r.businessNumberId ?? null,
            extra: (r.raw && typeof r.raw === 'object' ? r.raw : null) as Record<string, unknown> | null,
            clienteId: (r.cliente as { id?: number } | null)?.id ?? null,
            phone: r.from,
            name: (r.cliente as { nombre?: string | null } | null)?.nombre ?? null,
          }));
      }),
  };
}
