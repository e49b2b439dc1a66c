import { join } from 'node:path';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Services } from '../../services.ts';
import type { MessageOutcome } from '../../modules/messaging/message-writer.ts';
import type { MessageReceived } from '../events.ts';
import type { Reply } from '../types.ts';
import { withCwd } from '../kit.ts';
import { phoneOfJid } from '../jid.ts';
import { routeOf } from '../routing.ts';
import { flowReply } from '../flow-reply.ts';
import { claimAnswer, createChatQueue, createFlowRuns, firstContactOf, runCommandDurably, type ReplyTo } from '../durable-answer.ts';
import { createOptionMemory } from '../option-memory.ts';
import type { CloudApiProvider } from './provider.ts';

/**
 * The Cloud API as a conversational channel: the inbox worker logs each webhook message through
 * the shared ingest pipeline, then hands it here (`services.meta.onLogged`). `answer` is the one
 * place that decides what a logged Cloud API message gets — marked as read, then the same
 * routing as Baileys (`routeOf`): slash commands to the admin router (RBAC, confirmation,
 * audit), customer messages to the same BuilderBot flows through our own provider
 * (./provider.ts). Replies go out from the business number the message came in on.
 */

export interface CloudChannel {
  /** Answers one logged Cloud API message (its ingest outcome says whether it is new). */
  answer(e: MessageReceived, outcome: MessageOutcome | undefined): Promise<void>;
  /** Answers Cloud API messages left pending (the messaging.pending-replies job runs it). */
  answerPending(): Promise<number>;
  stop(): void;
}

export interface CloudChannelDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  services: Services;
}

type RefMaker = (prefix: string) => string;

/** What BuilderBot reads as the message: text, a tapped button's id, or its media/location events. */
export function flowBodyOf(e: MessageReceived, ref: RefMaker): string | null {
  switch (e.messageType) {
    case 'text':
      return e.body;
    case 'interactive':
    case 'button': {
      // A button_reply / list_reply id (or a template quick reply's payload) is the option it stands for.
      const id = e.extra?.replyId;
      return typeof id === 'string' && id ? id : e.body;
    }
    case 'image':
    case 'video':
    case 'sticker':
      return ref('_event_media_');
    case 'document':
      return ref('_event_document_');
    case 'audio':
      return ref('_event_voice_note_');
    case 'location':
      return ref('_event_location_');
    default:
      return null;
  }
}

export async function startCloudChannel(deps: CloudChannelDeps): Promise<CloudChannel> {
  const { config, services, clock } = deps;
  const log = deps.logger.child({ module: 'cloud' });
  // Which number each customer is being answered from (flow replies only know the customer).
  const numbers = new Map<string, string | null>();

  const send = async (to: string, reply: Reply, origin: 'flow' | 'command', businessNumberId: string | null | undefined, replyTo?: ReplyTo) => {
    try {
      return await services.outbound.send(to, reply, { origin, platform: 'meta_cloud', businessNumberId: businessNumberId ?? undefined, replyTo });
    } catch (err) {
      log.error({ err, origin }, 'reply not sent');
      return null;
    }
  };

  const { provider, ref } = await withCwd(join(config.STORAGE_DIR, 'whatsapp'), async () => {
    const { createBot, utils } = await import('@builderbot/bot');
    const { CloudApiProvider } = await import('./provider.ts');
    const { FlowStateDB } = await import('../flow-db.ts');
    const { createCustomerFlows } = await import('../../../flows/index.ts');
    const p: CloudApiProvider = new CloudApiProvider();
    await createBot(
      { flow: createCustomerFlows({ customers: services.customers, logger: deps.logger, timeZone: config.TZ }), database: new FlowStateDB(), provider: p },
      { delay: 0, queue: { timeout: 20_000, concurrencyLimit: 15 } },
    );
    return { provider: p, ref: utils.generateRefProvider as RefMaker };
  });
  const offered = createOptionMemory();
  // Flow replies are numbered per message answered: their outbound rows say which (replies.ts).
  const flowRuns = createFlowRuns();
  provider.hooks = {
    send: async (to, text, o) => {
      const reply = flowReply(text, o);
      offered.sent(to, reply);
      const sent = await send(to, reply, 'flow', numbers.get(to), flowRuns.next(to));
      if (!sent) flowRuns.failed(to);
      return sent;
    },
  };

  async function markRead(e: MessageReceived): Promise<void> {
    const graph = e.businessNumberId ? services.meta.graphs.get(e.businessNumberId) : undefined;
    if (!graph) return;
    try {
      await graph.markRead(e.messageId);
    } catch (err) {
      log.warn({ err, msgId: e.messageId }, 'could not mark the message as read');
    }
  }

  // One answer at a time per customer (the flow run is per chat): see createChatQueue.
  const inChat = createChatQueue();
  const answer = (e: MessageReceived, outcome: MessageOutcome | undefined): Promise<void> => inChat(e.chatJid, () => answerNow(e, outcome));

  async function answerNow(e: MessageReceived, outcome: MessageOutcome | undefined): Promise<void> {
    const fresh = !outcome || outcome.inserted;
    if (config.META_MARK_READ && fresh && !e.fromMe && e.upsertType === 'notify') await markRead(e);
    const route = routeOf(e, outcome, clock.now(), config);
    if (route === 'none') return;
    // Answered once, even when Meta redelivers or the worker reprocesses after a crash (replies.ts).
    const claim = await claimAnswer(services, e, outcome, route);
    if (claim === 'skip') return;
    if (route === 'command') {
      await runCommandDurably({ services, clock, log }, e, outcome, claim, (r, replyTo) => send(e.chatJid, r, 'command', e.businessNumberId, replyTo));
      return;
    }
    const from = phoneOfJid(e.chatJid);
    const read = flowBodyOf(e, ref);
    if (!from || !read) {
      if (claim) await services.replies.done(e.messageId);
      return;
    }
    // A typed number answers the options last offered (a tap already carries the option's id).
    const body = e.messageType === 'text' ? offered.answer(from, read) : read;
    numbers.delete(from);
    numbers.set(from, e.businessNumberId ?? null);
    if (numbers.size > 20_000) numbers.delete(numbers.keys().next().value!);
    const mariadono = {
      userId: outcome?.userId ?? null,
      phone: outcome?.phone ?? e.peerPhone ?? from,
      lid: null,
      firstContact: await firstContactOf(services, e, outcome, claim),
      name: e.senderName ?? null,
    };
    await flowRuns.run(services, from, e.messageId, claim, () => provider.deliver({ from, body, name: e.senderName ?? undefined, mariadono }));
  }

  /**
   * Cloud API messages a failed send left pending (a crash before answering is covered by the
   * inbox, which reprocesses the delivery): rebuilt from their log rows and answered again.
   */
  async function answerPending(): Promise<number> {
    const since = new Date(clock.now().getTime() - config.REPLY_MAX_AGE);
    let answered = 0;
    for (const row of await services.replies.unanswered(since, 500, 'meta_cloud')) {
      if (!row.remoteJid) continue;
      const e: MessageReceived = {
        type: 'message', platform: 'meta_cloud', messageId: row.messageId, chatJid: row.remoteJid, isGroup: false,
        senderPhone: row.phone, peerPhone: row.phone, senderName: row.name, fromMe: false, timestamp: row.date,
        messageType: row.messageType as MessageReceived['messageType'], body: row.body, upsertType: 'notify',
        businessNumberId: row.businessNumberId, extra: row.extra ?? undefined,
      };
      const outcome: MessageOutcome = { messageId: row.messageId, ok: true, inserted: false, userId: row.clienteId, phone: row.phone, lid: null, firstContact: false, replyState: row.state };
      try {
        await answer(e, outcome);
        answered++;
      } catch (err) {
        log.error({ err, msgId: row.messageId }, 'pending Cloud API message not answered');
      }
    }
    return answered;
  }
  const removeSweeper = services.replies.addSweeper(answerPending);

  const unsubscribe = services.meta.onLogged(async (logged) => {
    for (const { event, outcome } of logged) {
      try {
        await answer(event, outcome);
      } catch (err) {
        // One message the flows choke on must not leave the rest of the batch unanswered.
        log.error({ err, msgId: event.messageId }, 'message not answered');
      }
    }
  });

  return {
    answer,
    answerPending,
    stop() {
      unsubscribe();
      removeSweeper();
      provider.hooks = null;
    },
  };
}
