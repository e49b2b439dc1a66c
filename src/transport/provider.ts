import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { BaileysProvider } from '@builderbot/provider-baileys';
import type { BaileysEventEmitter, BaileysEventMap } from '@whiskeysockets/baileys';
import { trackFlowRuns } from './flow-runs.ts';

/**
 * BuilderBot's Baileys provider, adapted (live and replay use this same class):
 * - `listenOnEvents(ev)` runs on every new socket (reconnects included): after the provider's own
 *   handlers it attaches our session (adapter → ingest → commands/flows).
 * - The provider's `messages.upsert` handler (which feeds the flows) is NOT attached to the
 *   socket; the session calls it with the messages worth answering, after they are logged.
 *   (Its poll-vote `messages.update` handler is dropped for the same reason.)
 * - `sendMessage` (how flows reply) goes through our outbound sender: proper JIDs for LID users,
 *   and every reply logged.
 * - It does not hijack process signals (the base constructor removes every SIGINT/SIGTERM/
 *   uncaughtException listener) and its housekeeping timer does not keep the process alive.
 *
 * Import this module only through `loadConversationKit` (kit.ts): BuilderBot writes log files
 * into the current directory when it is first loaded.
 */

export type UpsertHandler = (arg: BaileysEventMap['messages.upsert']) => Promise<void>;

export interface ProviderHooks {
  /** Attaches the session's handlers to a new socket's event emitter. */
  attach(ev: BaileysEventEmitter): void;
  /** A flow's reply: `to` is BuilderBot's `from` (digits or `…@lid`), `text` the answer. */
  send(to: string, text: string, options: Record<string, unknown> | undefined): Promise<unknown>;
  /** The new socket could not be created (the provider's own retry gave up this round). */
  vendorFailed?(): void;
  /** BuilderBot's HTTP server failed (e.g. BOT_PORT in use). */
  httpError?(err: Error): void;
}

export class MariadonoProvider extends BaileysProvider {
  hooks: ProviderHooks | null = null;
  /** The provider's own `messages.upsert` handler: the way into the flows. */
  flowUpsert: UpsertHandler | null = null;
  /** Settles every flow run started so far (and those they start meanwhile). */
  readonly settleFlows: () => Promise<PromiseSettledResult<unknown>[]>;

  constructor(args: ConstructorParameters<typeof BaileysProvider>[0]) {
    super(args);
    const ownBus = this.busEvents;
    this.busEvents = () =>
      ownBus().filter((e) => {
        if (e.event === 'messages.upsert') this.flowUpsert = e.func as UpsertHandler;
        // Its messages.update handler turns poll votes into flow input, bypassing our routing
        // (age, repeats, commands): every message reaches the flows through the session only.
        return e.event !== 'messages.upsert' && e.event !== 'messages.update';
      });
    this.sendMessage = async (to: string, message: string, options?: Record<string, unknown>) => {
      if (!this.hooks) throw new Error('provider hooks not installed');
      return this.hooks.send(to, message, options);
    };
    // Keep the promise of each flow run (BuilderBot's handleMsg) so callers can wait for it.
    this.settleFlows = trackFlowRuns(this);
  }

  /**
   * Lets a message id through BuilderBot's duplicate filter again (it drops an id seen among
   * its last few): a message answered again after a failed or interrupted answer is no repeat.
   */
  forgetMessage(messageId: string): void {
    const self = this as unknown as { idsDuplicates: string[] };
    if (self.idsDuplicates?.length) self.idsDuplicates = self.idsDuplicates.filter((k) => !k.startsWith(`${messageId}__`));
  }

  protected override listenOnEvents(vendor: BaileysEventEmitter | undefined): void {
    if (!vendor) {
      // initVendor failed and returned nothing; the base class would throw an unhandled error.
      this.hooks?.vendorFailed?.();
      return;
    }
    super.listenOnEvents(vendor as never);
    this.hooks?.attach(vendor);
  }

  /**
   * The replay seam: use `socket` (same surface as Baileys' socket, built on makeEventBuffer) as
   * if the provider had just connected it. Live sockets arrive through initVendor instead.
   */
  useSocket(socket: { ev: BaileysEventEmitter }): void {
    this.vendor = socket as never;
    this.listenOnEvents(socket.ev);
  }

  /** Socket (re)creation, for the watchdog once the provider's own retries have given up. */
  async restartVendor(): Promise<void> {
    (this as unknown as { reconnectAttempts: number }).reconnectAttempts = 0;
    const ev = await this.initVendor();
    this.listenOnEvents(ev as BaileysEventEmitter | undefined);
  }

  /**
   * BuilderBot's `GET /` streams `<name>.qr.png` without waiting for the file: before a QR
   * exists (or once it is deleted after pairing) the request hangs and the stream's ENOENT is
   * an uncaught exception. Ours reads the file first: the PNG when a QR is waiting to be
   * scanned, otherwise a short Spanish 404.
   */
  protected override beforeHttpServerInit(): void {
    const app = this.server as unknown as { get(path: string, fn: (req: unknown, res: ServerResponse) => void): void };
    app.get('/', (_req, res) => void this.serveQr(res));
  }

  private async serveQr(res: ServerResponse): Promise<void> {
    try {
      const png = await readFile(join(process.cwd(), `${this.globalVendorArgs.name ?? 'bot'}.qr.png`));
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length, 'Cache-Control': 'no-store' });
      res.end(png);
    } catch {
      const body = 'No hay ningún código QR pendiente de escanear: WhatsApp ya está vinculado o aún no lo ha pedido. Mira la terminal.\n';
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    }
  }

  /**
   * BuilderBot's own small HTTP server (polka), on loopback only: it serves the QR image and
   * BuilderBot's HTTP hooks, nothing that should face the network.
   */
  override start(vendor: Parameters<BaileysProvider['start']>[0], cb: (routes?: string) => void = () => undefined): void {
    const app = this.server as unknown as { use(fn: (req: Record<string, unknown>, res: unknown, next: () => void) => void): void };
    app.use((req, _res, next) => {
      req[this.idCtxBot] = vendor;
      req[this.idBotName] = this.globalVendorArgs.name ?? 'bot';
      next();
    });
    const routes = this.getListRoutes(this.server).join('\n');
    this.server.listen(this.globalVendorArgs.port, '127.0.0.1');
    (this.server as unknown as { server?: { on(e: string, f: (err: Error) => void): void } }).server?.on('error', (err) => {
      this.hooks?.httpError?.(err);
    });
    cb(routes);
  }

  stopHttp(): Promise<void> {
    const http = (this.server as unknown as { server?: { listening?: boolean; close(cb: () => void): void } }).server;
    return new Promise((resolve) => (http?.listening ? http.close(() => resolve()) : resolve()));
  }

  /** Releases the provider's caches, log stream and timers; no socket is created after this. */
  shutdown(): void {
    const self = this as unknown as { housekeeping?: NodeJS.Timeout; cleanup(): void; vendor?: { end?(err?: Error): void; ev?: { removeAllListeners?(): void } } };
    // A reconnect the provider already scheduled must not open a new socket after shutdown.
    this.initVendor = async () => undefined as never;
    this.hooks = null;
    if (self.housekeeping) clearInterval(self.housekeeping);
    try {
      self.vendor?.ev?.removeAllListeners?.();
      self.vendor?.end?.(undefined);
    } catch {
      // The socket may already be closed.
    }
    self.cleanup();
  }
}

// The base class declares these private; replace them on our prototype (its constructor calls them).
Object.assign(MariadonoProvider.prototype, {
  setupCleanupHandlers(): void {
    // Our app installs its own signal handlers and exits explicitly (src/main.ts).
  },
  setupPeriodicCleanup(this: { housekeeping?: NodeJS.Timeout; idsDuplicates: string[]; mapSet: Set<string> }): void {
    this.housekeeping = setInterval(() => {
      if (this.idsDuplicates.length > 1000) this.idsDuplicates = this.idsDuplicates.slice(-1000);
      if (this.mapSet.size > 1000) this.mapSet.clear();
    }, 600_000);
    this.housekeeping.unref();
  },
});
