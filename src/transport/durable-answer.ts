import type { Logger } from '../logger.ts';
import type { Clock } from '../shared/clock.ts';
import type { Services } from '../services.ts';
import type { MessageOutcome } from '../modules/messaging/message-writer.ts';
import { replyFromStored, type ClaimResult } from '../modules/messaging/replies.ts';
import { t } from '../shared/i18n/index.ts';
import { commandReplies } from './command-replies.ts';
import type { MessageReceived } from './events.ts';
import type { Reply } from './types.ts';

/**
 * The durable-answer steps both channels share (Baileys session, Cloud API channel), so a message
 * is answered once whichever platform carried it (src/modules/messaging/replies.ts explains the
 * guarantee). Each channel supplies how to send and how to run its flows.
 */

export type ReplyTo = { messageId: string; position: number };
export type SendReply = (reply: Reply, replyTo?: ReplyTo) => Promise<unknown>;

/** Claims a logged message when it is durable (logged 1:1 with a reply state); null: not durable. */
export async function claimAnswer(services: Pick<Services, 'replies'>, e: MessageReceived, outcome: MessageOutcome | undefined, route: 'command' | 'flow'): Promise<ClaimResult | null | 'skip'> {
  const durable = !e.isGroup && outcome?.ok !== false && Boolean(outcome?.replyState);
  if (!durable) return null;
  const claim = await services.replies.claim(e.messageId, route);
  if (claim.kind === 'skip') return 'skip';
  // A flow claim left by a crash is not a command's to take over (nor the other way round).
  if (claim.kind === 'recover' && ((claim.state === 'claimed') !== (route === 'flow'))) return 'skip';
  return claim;
}

/**
 * A slash command runs at most once per message: claimed `running` before it runs; its replies
 * are stored (`replying`) before any is sent; after a crash a `running` command is not run again
 * (the sender is told), and stored replies are re-sent, not recomputed.
 */
export async function runCommandDurably(
  deps: { services: Services; clock: Clock; log: Logger },
  e: MessageReceived,
  outcome: MessageOutcome | undefined,
  claim: ClaimResult | null,
  send: SendReply,
): Promise<void> {
  // A long-running command's result waits for this: it must not overtake its "Procesando…".
  let acknowledge!: () => void;
  const acknowledged = new Promise<void>((resolve) => (acknowledge = resolve));
  try {
    await answerCommand(deps, e, outcome, claim, send, acknowledged);
  } finally {
    acknowledge();
  }
}

async function answerCommand(
  deps: { services: Services; clock: Clock; log: Logger },
  e: MessageReceived,
  outcome: MessageOutcome | undefined,
  claim: ClaimResult | null,
  send: SendReply,
  acknowledged: Promise<void>,
): Promise<void> {
  const { services, clock, log } = deps;
  const id = e.messageId;
  if (!claim) {
    // Not durable (a group command, or its log write failed): answered once, now.
    for (const r of await commandReplies(services, clock, log, e, outcome, acknowledged)) await send(r);
    return;
  }
  let replies: Array<Reply | null>;
  if (claim.kind === 'recover' && claim.state === 'running') {
    replies = [{ kind: 'text', text: t('admin.command_interrupted') }];
  } else if (claim.kind === 'recover' && claim.state === 'replying') {
    const stored = await services.replies.storedReplies(id);
    replies = stored.map((s) => (s.status && ['sent', 'delivered', 'read'].includes(s.status) ? null : replyFromStored(s.reply)));
  } else {
    replies = await commandReplies(services, clock, log, e, outcome, acknowledged);
    await services.ingest.storeReplies(
      id,
      replies.map((r, position) => ({ reply: r!, position, chatJid: e.chatJid, origin: 'command' as const })),
      { platform: e.platform, businessNumberId: e.businessNumberId ?? null },
    );
  }
  let failed = false;
  for (const [position, r] of replies.entries()) {
    if (r && !(await send(r, { messageId: id, position }))) failed = true;
  }
  // A reply the transport refused stays pending: re-sent (same id) by the next sweep.
  if (failed) await services.replies.release(id, 'replying');
  else await services.replies.done(id);
}

/**
 * One answer at a time per chat, on both channels: replies keep their order, and a flow's replies
 * can be told apart from the next message's (the flow run below is per chat, and reply ids are
 * derived from the message they answer) — even when a sweep or a second inbox worker answers
 * another message of the same customer meanwhile.
 */
export function createChatQueue() {
  const chains = new Map<string, Promise<unknown>>();
  return <T>(chat: string, fn: () => Promise<T>): Promise<T> => {
    const prev = chains.get(chat) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    chains.set(chat, settled);
    void settled.then(() => chains.get(chat) === settled && chains.delete(chat));
    return next;
  };
}

/** The message whose flow run is under way in each chat, and how many replies it has sent. */
export function createFlowRuns() {
  const runs = new Map<string, { messageId: string; next: number; failed: boolean }>();
  return {
    /** Runs the flows for one claimed message; marks it done only if every reply left. */
    async run(services: Pick<Services, 'replies'>, chat: string, messageId: string, claim: ClaimResult | null, flows: () => Promise<void>): Promise<void> {
      const run = { messageId, next: 0, failed: false };
      if (claim) runs.set(chat, run);
      try {
        await flows();
      } finally {
        if (claim) runs.delete(chat);
      }
      if (!claim) return;
      if (run.failed) await services.replies.release(messageId, 'pending');
      else await services.replies.done(messageId);
    },
    /** The next reply's place in the chat's current run (undefined outside a run). */
    next(chat: string): ReplyTo | undefined {
      const run = runs.get(chat);
      return run ? { messageId: run.messageId, position: run.next++ } : undefined;
    },
    failed(chat: string): void {
      const run = runs.get(chat);
      if (run) run.failed = true;
    },
  };
}

/** Whether a message answered again (redelivery, sweep) was the customer's first: from the log. */
export async function firstContactOf(services: Pick<Services, 'replies'>, e: MessageReceived, outcome: MessageOutcome | undefined, claim: ClaimResult | null): Promise<boolean> {
  return claim && outcome?.inserted === false ? services.replies.isFirstInbound(e.messageId) : (outcome?.firstContact ?? false);
}
