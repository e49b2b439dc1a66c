import { normalizeMessageContent, type BaileysEventEmitter, type BaileysEventMap } from '@whiskeysockets/baileys';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../shared/clock.ts';
import type { Services } from '../services.ts';
import type { DomainEvent } from './events.ts';
import { createBaileysAdapter, type AdapterDeps, type MappedMessage } from './baileys-adapter.ts';
import type { ConnectionStateHolder } from './connection-state.ts';
import type { LidDirectory } from './lid-directory.ts';
import type { SocketLike } from './socket.ts';
import type { MariadonoProvider } from './provider.ts';
import { lidOfJid, phoneOfJid, toSendJid } from './jid.ts';
import { flowReply } from './flow-reply.ts';
import { createOptionMemory } from './option-memory.ts';
import { routeOf } from './routing.ts';
import type { MessageOutcome } from '../modules/messaging/message-writer.ts';
import type { EventRecorder } from './recorder.ts';
import type { Reply } from './types.ts';
import type { ClaimResult } from '../modules/messaging/replies.ts';
import { claimAnswer, createChatQueue, createFlowRuns, firstContactOf, runCommandDurably } from './durable-answer.ts';
import { rebuildMessage } from './rebuild-message.ts';
import { TransportUnavailableError } from './reply.ts';

/**
 * The session: what happens to each socket event, live and in replay alike. Every event goes
 * through the adapter and is written by the ingest pipeline first; only then are new, recent,
 * 1:1 customer messages handed to BuilderBot's flows and slash commands to the admin router.
 */

export interface SessionDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  services: Services;
  provider: MariadonoProvider;
  socket(): SocketLike | null | undefined;
  state: ConnectionStateHolder;
  lids: LidDirectory;
  openMedia: AdapterDeps['openMedia'];
  recorder?: EventRecorder | null;
  /** Live only: told about closes/opens (the reconnect watchdog). */
  onConnection?(update: BaileysEventMap['connection.update']): void;
  /** Live only: WhatsApp logged this session out (clear the saved credentials, say so). */
  onLoggedOut?(): void;
}

const LOGGED_OUT = 401;

export function createSession(deps: SessionDeps) {
  const log = deps.logger.child({ module: 'whatsapp' });
  const { services, clock, state } = deps;
  const tracked = new Set<Promise<unknown>>();
  const offered = createOptionMemory();

  const self = () => {
    const user = deps.socket()?.user;
    return { phone: phoneOfJid(user?.id), lid: lidOfJid(user?.lid) };
  };
  const adapter = createBaileysAdapter({ lids: deps.lids, now: () => clock.now(), self, openMedia: deps.openMedia });

  const track = (p: Promise<unknown>) => {
    const guarded = p.catch((err) => log.error({ err }, 'socket event handler failed'));
    tracked.add(guarded);
    void guarded.finally(() => tracked.delete(guarded));
  };

  const ingest = (events: DomainEvent[]) => (events.length ? services.ingest.handle(events) : Promise.resolve(null));

  /**
   * Sends and logs; a failure is logged, never thrown back into the socket's handlers. Answers
   * leave through Baileys, which carried the message: no look-up of the client's latest inbound
   * per reply, and never out of a Cloud API number the customer wrote to at another time.
   */
  const sendSafe = async (jid: string, reply: Reply, origin: 'command' | 'flow', replyTo?: { messageId: string; position: number }) => {
    try {
      return await services.outbound.send(jid, reply, { origin, platform: 'baileys', replyTo });
    } catch (err) {
      log.error({ err, origin }, 'reply not sent');
      return null;
    }
  };

  const inChat = createChatQueue();

  const flowRuns = createFlowRuns();
  const durable = { services, clock, log };

  const runFlows = async (data: BaileysEventMap['messages.upsert'], m: MappedMessage, outcome: MessageOutcome | undefined, claim: ClaimResult | null) => {
    const flowUpsert = deps.provider.flowUpsert;
    if (!flowUpsert) {
      if (claim) await services.replies.release(m.event.messageId, 'pending');
      return;
    }
    // Answered again (a redelivery, a sweep): whether it was their first message comes from the log.
    const firstContact = await firstContactOf(services, m.event, outcome, claim);
    const mariadono = {
      userId: outcome?.userId ?? null,
      phone: outcome?.phone ?? m.event.peerPhone ?? null,
      lid: outcome?.lid ?? m.event.peerLid ?? null,
      firstContact,
      name: m.event.senderName ?? null,
    };
    // BuilderBot reads only top-level fields: unwrap disappearing-mode, view-once and
    // document-with-caption wrappers, or their text and media would never reach the flows.
    let message = normalizeMessageContent(m.raw.message) ?? m.raw.message;
    // A typed number answers the options (buttons/list rows, numbered on Baileys) last offered.
    const from = lidOfJid(m.event.chatJid) ? m.event.chatJid : (phoneOfJid(m.event.chatJid) ?? m.event.chatJid);
    const answer = m.event.messageType === 'text' && m.event.body ? offered.answer(from, m.event.body) : null;
    if (answer !== null && answer !== m.event.body) message = { conversation: answer };
    // The chat JID without a device suffix (`…:7@s.whatsapp.net`): BuilderBot answers to it.
    const key = { ...m.raw.key, remoteJid: m.event.chatJid };
    // The provider calls `.includes` on these (decryption stubs, which never get this far).
    const stub = m.raw.messageStubParameters;
    const messageStubParameters = Array.isArray(stub) ? stub.filter((p) => typeof p === 'string') : undefined;
    const chat = toSendJid(m.event.chatJid) ?? m.event.chatJid;
    // BuilderBot drops an id it saw moments ago; a message answered again after a failure is not a repeat.
    deps.provider.forgetMessage(m.event.messageId);
    await flowRuns.run(services, chat, m.event.messageId, claim, async () => {
      await flowUpsert({ ...data, type: 'notify', messages: [{ ...m.raw, key, message, messageStubParameters, mariadono } as never] });
      await deps.provider.settleFlows();
    });
  };

  /** Claims a logged message (when it is durable) and answers it: commands or flows. */
  const answer = async (data: BaileysEventMap['messages.upsert'], m: MappedMessage, outcome: MessageOutcome | undefined, route: 'command' | 'flow') => {
    const claim = await claimAnswer(services, m.event, outcome, route);
    if (claim === 'skip') return;
    if (route === 'command') await runCommandDurably(durable, m.event, outcome, claim, (r, replyTo) => sendSafe(m.event.chatJid, r, 'command', replyTo));
    else await runFlows(data, m, outcome, claim);
  };

  const onUpsert = async (data: BaileysEventMap['messages.upsert']) => {
    const { messages, decryptFailures } = adapter.messagesUpsert(data);
    if (decryptFailures) state.decryptFailures(decryptFailures);
    // Synchronously queued: writes keep the order in which the socket delivered events.
    const written = ingest(messages.map((m) => m.event));
    for (const m of messages) if (!m.event.fromMe && m.event.upsertType === 'notify') state.inbound(m.event.timestamp);
    const result = await written;
    for (const [i, m] of messages.entries()) {
      const outcome = result?.messages[i];
      const route = routeOf(m.event, outcome, clock.now(), deps.config);
      if (route === 'none') continue;
      try {
        await inChat(m.event.chatJid, () => answer(data, m, outcome, route));
      } catch (err) {
        // One message the flows choke on must not leave the rest of the batch unanswered.
        log.error({ err, msgId: m.event.messageId, route }, 'message not answered');
      }
    }
  };

  /**
   * Answers what a crash, a restart or a failed send left unanswered: logged messages still
   * `pending` (or held by a dead claim) and younger than REPLY_MAX_AGE, oldest first.
   */
  async function answerPending(): Promise<number> {
    const since = new Date(clock.now().getTime() - deps.config.REPLY_MAX_AGE);
    let answered = 0;
    for (const row of await services.replies.unanswered(since, 500, 'baileys')) {
      const mapped = rebuildMessage(row);
      if (!mapped) continue;
      const outcome: MessageOutcome = {
        messageId: row.messageId, ok: true, inserted: false, userId: row.clienteId, phone: row.phone, lid: null, firstContact: false, replyState: row.state,
      };
      const route = routeOf(mapped.event, outcome, clock.now(), deps.config);
      if (route === 'none') continue;
      try {
        await inChat(mapped.event.chatJid, () => answer({ type: 'notify', messages: [mapped.raw] }, mapped, outcome, route));
        answered++;
      } catch (err) {
        log.error({ err, msgId: row.messageId }, 'pending message not answered');
      }
    }
    if (answered) log.info({ answered }, 'answered messages left pending by a restart or a failed send');
    return answered;
  }

  const onConnection = (u: BaileysEventMap['connection.update']) => {
    if (u.qr) state.set('qr');
    if (u.connection === 'connecting') state.set(state.get().reconnects ? 'reconnecting' : 'connecting');
    if (u.connection === 'open') {
      state.set('open');
      log.info('WhatsApp connected');
      track(syncGroups());
      // What a crash or a dropped connection left unanswered (young enough to answer).
      track(answerPending());
    }
    if (u.connection === 'close') {
      const err = u.lastDisconnect?.error as { message?: string; output?: { statusCode?: number } } | undefined;
      const code = err?.output?.statusCode;
      state.reconnected();
      if (code === LOGGED_OUT) {
        state.set('logged_out', 'logged out');
        if (deps.onLoggedOut) deps.onLoggedOut();
        else log.warn('WhatsApp closed this session (logged out)');
      } else {
        state.set('reconnecting', err?.message ?? `closed (${code ?? 'unknown'})`);
        log.warn(
          { code, reason: err?.message, attempt: state.get().reconnects },
          'WhatsApp unreachable or connection closed; retrying automatically with backoff (the HTTP sidecar stays up)',
        );
      }
    }
    deps.onConnection?.(u);
  };

  /**
   * Fetches every group this account is in and writes it (members missing from it have left).
   * Throws when there is no socket, the fetch fails or the write had to be left to the
   * background retry: what `/grupo sincronizar` reports (services.groupSync).
   */
  async function fetchGroups(): Promise<{ groups: number }> {
    const sock = deps.socket();
    if (!sock || state.get().status !== 'open') throw new TransportUnavailableError();
    const all = await sock.groupFetchAllParticipating();
    const result = await ingest([adapter.groupsUpsert(Object.values(all), true)]);
    if (result?.failed) throw new Error('group sync not written yet (retrying in the background)');
    log.info({ groups: Object.keys(all).length }, 'groups synced');
    return { groups: Object.keys(all).length };
  }

  /** The same, for the connect and cron triggers: failures are logged, never thrown. */
  async function syncGroups(): Promise<void> {
    try {
      if (deps.socket() && state.get().status === 'open') await fetchGroups();
    } catch (err) {
      log.warn({ err }, 'group sync failed');
    }
  }

  const handlers: { [K in keyof BaileysEventMap]?: (data: BaileysEventMap[K]) => Promise<unknown> | void } = {
    'messages.upsert': onUpsert,
    'messages.update': (d) => ingest(adapter.messagesUpdate(d)),
    'message-receipt.update': (d) => ingest(adapter.messageReceipts(d)),
    'groups.upsert': (d) => ingest([adapter.groupsUpsert(d)]),
    'groups.update': (d) => ingest(adapter.groupsUpdate(d)),
    'group-participants.update': (d) => ingest([adapter.groupParticipants(d)].filter((e) => e !== null)),
    'contacts.upsert': (d) => ingest(adapter.contactsUpsert(d)),
    'lid-mapping.update': (d) => ingest(adapter.lidMapping(d)),
    'connection.update': onConnection,
  };

  return {
    adapter,
    syncGroups,
    fetchGroups,
    /** Subscribes to a (new) socket's events: recorder first, so it sees events untouched. */
    attach(ev: BaileysEventEmitter): void {
      deps.recorder?.attach(ev);
      for (const [name, fn] of Object.entries(handlers)) {
        ev.on(name as keyof BaileysEventMap, (data: unknown) => {
          const r = (fn as (d: unknown) => unknown)(data);
          if (r instanceof Promise) track(r);
        });
      }
    },
    answerPending,
    /** How BuilderBot's replies leave: proper JID (LID users included), logged as `flow`. */
    async sendFromFlow(to: string, text: string, options: Record<string, unknown> | undefined): Promise<unknown> {
      const jid = toSendJid(to);
      if (!jid) {
        log.warn('flow reply to an unusable address dropped');
        return null;
      }
      const reply = flowReply(text, options);
      offered.sent(to, reply);
      const sent = await sendSafe(jid, reply, 'flow', flowRuns.next(jid));
      if (!sent) flowRuns.failed(jid);
      return sent;
    },
    /** Resolves when every handler, flow run, send, write and download started so far is done. */
    async idle(): Promise<void> {
      // Until a full pass finds nothing running and one timer turn (BuilderBot schedules its
      // sends with setTimeout) starts nothing new.
      for (;;) {
        const busy = tracked.size + services.outbound.inFlight();
        await Promise.allSettled([...tracked]);
        await deps.provider.settleFlows();
        await services.ingest.drain();
        await new Promise((r) => setTimeout(r, 0));
        if (!busy && !tracked.size && !services.outbound.inFlight()) return;
      }
    },
  };
}

export type Session = ReturnType<typeof createSession>;
