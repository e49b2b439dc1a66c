import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONNECTION_CONFIG, downloadMediaMessage, isJidNewsletter, isJidStatusBroadcast, proto, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type { App } from '../app.ts';
import { withEm } from '../db/orm.ts';
import { findOutboundText } from '../modules/messaging/message-lookup.ts';
import { createBaileysTransport } from './baileys-transport.ts';
import { createConnectionState } from './connection-state.ts';
import { createLidDirectory } from './lid-directory.ts';
import { createConversationKit } from './kit.ts';
import { createEventRecorder } from './recorder.ts';
import { createPairing } from './pairing.ts';
import { createWatchdog } from './reconnect.ts';
import { createSession } from './session.ts';
import type { SocketLike } from './socket.ts';
import type { Transport } from './types.ts';

/**
 * The live WhatsApp connection: BuilderBot's Baileys provider (our subclass), the same session
 * and adapter as replay, a QR in the terminal (or a pairing code with PAIRING_PHONE), auth
 * state under STORAGE_DIR/whatsapp/bot_sessions, our own reconnection watchdog, a group sync
 * on connect and on GROUP_SYNC_CRON, and optional RECORD_EVENTS.
 */

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export async function startLiveTransport(app: App): Promise<{ transport: Transport; stop: () => Promise<void> }> {
  const { config, logger, services, clock } = app;
  const log = logger.child({ module: 'whatsapp' });
  // Baileys is chatty at info; keep its warnings unless LOG_LEVEL asks for less.
  const baileysLogger = logger.child({ module: 'baileys' }, { level: LEVELS[Math.max(LEVELS.indexOf('warn'), LEVELS.indexOf(config.LOG_LEVEL))] });
  const recordPath = config.RECORD_EVENTS ? resolve(config.RECORD_EVENTS) : null;
  const home = join(config.STORAGE_DIR, 'whatsapp');
  mkdirSync(home, { recursive: true });
  // The provider keeps bot_sessions/, baileys.log and the QR image in the working directory,
  // also on every reconnect: the process works from STORAGE_DIR/whatsapp from here on.
  process.chdir(home);

  const state = createConnectionState(clock);
  const recorder = recordPath ? createEventRecorder(recordPath, logger) : null;
  if (recordPath) log.info({ path: recordPath }, 'recording socket events (RECORD_EVENTS)');

  const kit = await createConversationKit({
    home,
    flowDeps: { customers: services.customers, logger, timeZone: config.TZ },
    providerArgs: {
      name: 'bot',
      groupsIgnore: false,
      readStatus: false,
      writeMyself: 'none',
      usePairingCode: Boolean(config.PAIRING_PHONE),
      phoneNumber: config.PAIRING_PHONE ?? null,
      // Spread into the socket config by the provider:
      version: DEFAULT_CONNECTION_CONFIG.version,
      logger: baileysLogger,
      emitOwnEvents: true,
      shouldIgnoreJid: (jid: string) => isJidStatusBroadcast(jid) || Boolean(isJidNewsletter(jid)),
      getMessage: async (key: WAMessageKey) => {
        const body = key.id ? await withEm(app.orm, (em) => findOutboundText(em, key.id!)).catch(() => null) : null;
        return body ? proto.Message.fromObject({ conversation: body }) : undefined;
      },
    },
  });
  const provider = kit.provider;
  const socket = () => provider.vendor as unknown as SocketLike | undefined;

  const watchdog = createWatchdog({ state: state.get, logger, restart: () => provider.restartVendor() });
  // The provider keeps its credentials in `<name>_sessions` under the working directory (home).
  const pairing = createPairing({ authDir: join(home, 'bot_sessions'), logger, pairingPhone: config.PAIRING_PHONE, write: (s) => void process.stdout.write(s) });
  const session = createSession({
    config, logger, clock, services, state, provider, socket, recorder,
    lids: createLidDirectory(),
    openMedia: async (raw: WAMessage) => {
      const sock = socket();
      const stream = await downloadMediaMessage(raw, 'stream', {}, { logger: baileysLogger as never, reuploadRequest: (m) => sock!.updateMediaMessage!(m) });
      return recorder ? recorder.teeMedia(raw, stream) : stream;
    },
    onConnection: (u) => {
      if (u.connection === 'open') watchdog.connected();
    },
    onLoggedOut: () => pairing.loggedOut(),
  });
  provider.hooks = {
    attach: (ev) => session.attach(ev),
    send: (to, text, o) => session.sendFromFlow(to, text, o),
    vendorFailed: () => watchdog.providerGaveUp(),
    httpError: (err) => log.warn({ err, botPort: config.BOT_PORT }, 'BuilderBot HTTP server could not listen on BOT_PORT (the QR page is unavailable; WhatsApp is unaffected)'),
  };
  // BuilderBot's engine would print these as banners (kit.ts removes its printers): log lines instead.
  provider.on('require_action', (p: { payload?: { qr?: string; code?: string } }) => pairing.prompt(p.payload));
  provider.on('auth_failure', (detail: unknown) => {
    log.warn({ detail: Array.isArray(detail) ? detail[0] : detail }, 'the WhatsApp provider stopped retrying; the watchdog takes over');
    watchdog.providerGaveUp();
  });
  provider.on('notice', (n: { title?: string }) => log.debug({ title: n?.title }, 'BuilderBot notice'));
  provider.on('ready', () => {
    // Paired: the QR image (a way to link this account) must not stay on disk or on BOT_PORT.
    rmSync(join(home, 'bot.qr.png'), { force: true });
  });

  const transport: Transport = {
    ...createBaileysTransport({ socket, state: state.get, onOwnSend: services.ingest.rememberOwnSend }),
    // The jobs in src/jobs/index.ts call these; they do nothing while the socket is down.
    async syncGroups() {
      if (state.get().status === 'open') await session.syncGroups();
    },
    // Failed media downloads, rebuilt from their stored media key and asked for again.
    async repairMedia() {
      const sock = socket();
      if (state.get().status !== 'open' || !sock) return;
      await services.media.retryFailed(async (c) => {
        const k = c.mediaKey as { field: string; url?: string; directPath?: string; mediaKey?: string; fileEncSha256?: string };
        const raw = {
          key: { remoteJid: c.remoteJid ?? undefined, id: c.messageId, fromMe: false },
          message: {
            [k.field]: {
              url: k.url, directPath: k.directPath, mimetype: c.mimeType,
              mediaKey: k.mediaKey ? Buffer.from(k.mediaKey, 'base64') : undefined,
              fileEncSha256: k.fileEncSha256 ? Buffer.from(k.fileEncSha256, 'base64') : undefined,
            },
          },
        } as unknown as WAMessage;
        return downloadMediaMessage(raw, 'stream', {}, { logger: baileysLogger as never, reuploadRequest: (m) => sock.updateMediaMessage!(m) });
      });
    },
  };
  services.groupSync = session.fetchGroups;
  // Messages a crash or a dropped connection left unanswered (also answered on every connect).
  const removeSweeper = services.replies.addSweeper(async () => {
    if (state.get().status === 'open') await session.answerPending();
  });
  kit.bot.httpServer(config.BOT_PORT);
  watchdog.start();
  log.info({ botPort: config.BOT_PORT, pairing: config.PAIRING_PHONE ? 'code' : 'qr' }, 'WhatsApp transport starting');

  return {
    transport,
    async stop() {
      watchdog.stop();
      services.groupSync = null;
      removeSweeper();
      provider.shutdown();
      await Promise.race([session.idle(), new Promise((r) => setTimeout(r, 5_000).unref())]);
      await services.ingest.close();
      await provider.stopHttp();
      await recorder?.close();
    },
  };
}
