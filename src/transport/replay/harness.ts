import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../../config.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import type { Orm } from '../../db/orm.ts';
import { bootCore, grantAdminPhones, type App } from '../../app.ts';
import { createServices, type Services } from '../../services.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { createBaileysTransport } from '../baileys-transport.ts';
import { createConnectionState } from '../connection-state.ts';
import { createLidDirectory } from '../lid-directory.ts';
import { createConversationKit } from '../kit.ts';
import { createSession } from '../session.ts';
import { lidJid, phoneJid } from '../jid.ts';
import { ReplayClock } from './clock.ts';
import { createReplaySocket, type ReplaySocket, type SentRecord } from './fake-socket.ts';
import { eventTime, validateReplayEvent, type ReplayEvent } from './events-file.ts';
import { replayMediaOpener } from './media.ts';

/**
 * The offline seam, as a library: the REAL BuilderBot provider, flows, adapter, session and
 * ingest pipeline, driven by Baileys-shaped events instead of a WhatsApp connection. The CLI
 * (`mariadono replay`, `mariadono chat`) and the tests use it; `feed` resolves once everything
 * the event caused (writes, downloads, flow replies, commands) has finished.
 */

export interface ReplayHarnessOptions {
  config: Config;
  /** An open, migrated database (tests). Without it the harness boots one from `config.db`. */
  orm?: Orm;
  logger?: Logger;
  /** Folder that `mediaFile` paths are relative to (the JSONL file's folder). */
  baseDir?: string;
  /** This account's phone (fromMe messages are sent by it). */
  botPhone?: string;
  /** Replay time before the first timestamped event (default: that event's time). */
  start?: Date;
  /** A message's `mediaFile` could not be used (the download is recorded as failed). */
  onMediaProblem?(messageId: string, reason: string): void;
  /**
   * Called synchronously as the socket accepts each send — before the send's row says `sent` —
   * so a sink that writes synchronously (the CLI's stdout) never misses a send a crash follows.
   */
  onSend?(record: SentRecord): void;
}

export interface SayOptions {
  name?: string;
  /** Write as a LID user (`<lid>@lid`); with a phone too, the message carries the pair. */
  lid?: string;
  id?: string;
  at?: Date;
  group?: string;
}

export interface ReplayHarness {
  config: Config;
  orm: Orm;
  services: Services;
  clock: ReplayClock;
  /** The socket the provider is attached to (tests may set what a group sync reports). */
  socket: ReplaySocket;
  /** Every message the bot sent, in order. */
  sent: SentRecord[];
  /** Feeds one event (`{type, data}` as in a replay file); resolves with the sends it caused. */
  feed(event: unknown): Promise<SentRecord[]>;
  /** Answers logged messages still waiting for an answer (what a crash left), as at a live connect. */
  answerPending(): Promise<SentRecord[]>;
  /** A text from `phone` (digits or +…): resolves with the replies. */
  say(phone: string | null, text: string, opts?: SayOptions): Promise<SentRecord[]>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const newMessageId = () => `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;

export async function createReplayHarness(opts: ReplayHarnessOptions): Promise<ReplayHarness> {
  const { config } = opts;
  const logger = opts.logger ?? silentLogger();
  const clock = new ReplayClock(opts.start);
  let app: App | null = null;
  let orm: Orm;
  let services: Services;
  if (opts.orm) {
    orm = opts.orm;
    services = createServices({ config, logger, orm, clock });
    await grantAdminPhones(orm, services, config, logger);
  } else {
    app = await bootCore(config, logger, clock);
    orm = app.orm;
    services = app.services;
  }

  const sent: SentRecord[] = [];
  const botPhone = normalizePhone(opts.botPhone ?? '34000000000') ?? '34000000000';
  const socket = createReplaySocket({ logger, clock, botJid: phoneJid(botPhone), outboxDir: join(config.STORAGE_DIR, 'replay-outbox'), onSend: (r) => {
    sent.push(r);
    opts.onSend?.(r);
  } });
  const state = createConnectionState(clock, 'open');
  const kit = await createConversationKit({
    home: join(config.STORAGE_DIR, 'whatsapp'),
    providerArgs: { name: 'bot', groupsIgnore: false, writeMyself: 'none' },
    flowDeps: { customers: services.customers, logger, timeZone: config.TZ },
  });
  const session = createSession({
    config, logger, clock, services, state,
    provider: kit.provider,
    socket: () => socket,
    lids: createLidDirectory(),
    openMedia: replayMediaOpener(opts.baseDir ?? process.cwd(), opts.onMediaProblem),
  });
  kit.provider.hooks = { attach: (ev) => session.attach(ev), send: (to, text, o) => session.sendFromFlow(to, text, o) };
  const removeTransport = services.transports.add(createBaileysTransport({ socket: () => socket, state: state.get, onOwnSend: services.ingest.rememberOwnSend }));
  kit.provider.useSocket(socket);
  services.groupSync = session.fetchGroups;

  let closed = false;
  const feed = async (value: unknown): Promise<SentRecord[]> => {
    if (closed) throw new Error('replay harness is closed');
    const event: ReplayEvent = validateReplayEvent(value);
    clock.observe(eventTime(event));
    if (event.type === 'groups.upsert') socket.rememberGroups(event.data);
    const before = sent.length;
    socket.ev.emit(event.type as never, event.data as never);
    await session.idle();
    return sent.slice(before);
  };

  return {
    config, orm, services, clock, socket, sent, feed,
    async answerPending() {
      const before = sent.length;
      await session.answerPending();
      await session.idle();
      return sent.slice(before);
    },
    idle: () => session.idle(),
    async say(phone, text, o = {}) {
      const digits = phone ? normalizePhone(phone) : null;
      if (phone && !digits) throw new Error(`"${phone}" is not a phone number with country code`);
      const senderJid = o.lid ? lidJid(o.lid) : phoneJid(digits!);
      const alt = o.lid && digits ? phoneJid(digits) : undefined;
      const at = o.at ?? clock.now();
      const key = o.group
        ? { remoteJid: o.group, fromMe: false, id: o.id ?? newMessageId(), participant: senderJid, ...(alt ? { participantAlt: alt } : {}) }
        : { remoteJid: senderJid, fromMe: false, id: o.id ?? newMessageId(), ...(alt ? { remoteJidAlt: alt } : {}) };
      return feed({
        type: 'messages.upsert',
        data: { type: 'notify', messages: [{ key, messageTimestamp: Math.floor(at.getTime() / 1000), pushName: o.name, message: { conversation: text } }] },
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.idle().catch(() => undefined);
      socket.end();
      kit.provider.shutdown();
      await services.ingest.close();
      await services.groups.idle();
      removeTransport();
      services.groupSync = null;
      if (app) await app.close();
    },
  };
}

export type { SentRecord };
