import { normalizeMessageContent, type BaileysEventEmitter, type BaileysEventMap } from '@whiskeysockets/baileys';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../shared/clock.ts';
import type { Services } from '../services.ts';
import { t } from '../shared/i18n/index.ts';
import type { DomainEvent } from './events.ts';
import { createBaileysAdapter, type AdapterDeps, type MappedMessage } from './baileys-adapter.ts';
import type { ConnectionStateHolder } from './connection-state.ts';
import type { LidDirectory } from './lid-directory.ts';
import type { SocketLike } from './socket.ts';
import type { MariadonoProvider } from './provider.ts';
import { lidOfJid, phoneOfJid, toSendJid } from './jid.ts';
import { mediaReply } from './flow-media.ts';
import { routeOf } from './routing.ts';
import type { MessageOutcome } from '../modules/messaging/message-writer.ts';
import type { EventRecorder } from './recorder.ts';
import type { Reply } from './types.ts';
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

  /** Sends and logs; a failure is logged, never thrown back into the socket's handlers. */
  const sendSafe = async (jid: string, reply: Reply, origin: 'command' | 'flow') => {
    try {
      return await services.outbound.send(jid, reply, { origin });
    } catch (err) {
      log.error({ err, origin }, 'reply not sent');
      return null;
    }
  };

  const runCommand = async (m: MappedMessage, outcome: MessageOutcome | undefined) => {
    const e = m.event;
    const phone = outcome?.phone ?? e.senderPhone;
    let replies: Reply[];
    if (!phone || !services.commands) {
      replies = [{ kind: 'text', text: t('common.forbidden') }];
    } else {
      try {
        replies = await services.commands.handle({
          phone, jid: e.chatJid, text: e.body!.trim(), isGroup: e.isGroup, name: e.senderName ?? null, messageId: e.messageId, now: clock.now(),
        });
      } catch (err) {
        log.error({ err, msgId: e.messageId }, 'command router failed');
        replies = [{ kind: 'text', text: t('common.internal_error') }];
      }
    }
    for (const r of replies) await sendSafe(e.chatJid, r, 'command');
  };

  const runFlows = async (data: BaileysEventMap['messages.upsert'], m: MappedMessage, outcome: MessageOutcome | undefined) => {
    const flowUpsert = deps.provider.flowUpsert;
    if (!flowUpsert) return;
    const mariadono = {
      userId: outcome?.userId ?? null,
      phone: outcome?.phone ?? m.event.peerPhone ?? null,
      lid: outcome?.lid ?? m.event.peerLid ?? null,
      firstContact: outcome?.firstContact ?? false,
      name: m.event.senderName ?? null,
    };
    // BuilderBot reads only top-level fields: unwrap disappearing-mode, view-once and
    // document-with-caption wrappers, or their text and media would never reach the flows.
    const message = normalizeMessageContent(m.raw.message) ?? m.raw.message;
    // The chat JID without a device suffix (`…:7@s.whatsapp.net`): BuilderBot answers to it.
    const key = { ...m.raw.key, remoteJid: m.event.chatJid };
    // The provider calls `.includes` on these (decryption stubs, which never get this far).
    const stub = m.raw.messageStubParameters;
    const messageStubParameters = Array.isArray(stub) ? stub.filter((p) => typeof p === 'string') : undefined;
    await flowUpsert({ ...data, type: 'notify', messages: [{ ...m.raw, key, message, messageStubParameters, mariadono } as never] });
    await deps.provider.settleFlows();
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
      try {
        if (route === 'command') await runCommand(m, outcome);
        else if (route === 'flow') await runFlows(data, m, outcome);
      } catch (err) {
        // One message the flows choke on must not leave the rest of the batch unanswered.
        log.error({ err, msgId: m.event.messageId, route }, 'message not answered');
      }
    }
  };

  const onConnection = (u: BaileysEventMap['connection.update']) => {
    if (u.qr) state.set('qr');
    if (u.connection === 'connecting') state.set(state.get().reconnects ? 'reconnecting' : 'connecting');
    if (u.connection === 'open') {
      state.set('open');
      log.info('WhatsApp connected');
      track(syncGroups());
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
    /** How BuilderBot's replies leave: proper JID (LID users included), logged as `flow`. */
    async sendFromFlow(to: string, text: string, options: Record<string, unknown> | undefined): Promise<unknown> {
      const jid = toSendJid(to);
      if (!jid) {
        log.warn('flow reply to an unusable address dropped');
        return null;
      }
      const media = typeof options?.media === 'string' ? options.media : null;
      const reply: Reply = media ? mediaReply(media, text) : { kind: 'text', text };
      return sendSafe(jid, reply, 'flow');
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
