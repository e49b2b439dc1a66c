import { mkdirSync } from 'node:fs';
import type { FlowDeps } from '../../flows/index.ts';
import type { MariadonoProvider } from './provider.ts';

/**
 * Loads and builds BuilderBot (engine, our provider subclass, the customer flows). BuilderBot
 * writes `core.class.log` and `queue.class.log` into the current directory when first imported
 * and the provider writes `baileys.log` when constructed, so both happen with `home` (under
 * STORAGE_DIR) as the current directory: nothing lands in the repository root.
 */

export interface ConversationKit {
  provider: MariadonoProvider;
  /** BuilderBot's engine (CoreClass); `httpServer(port)` starts the live connection. */
  bot: { httpServer(port: number): void };
}

/** Provider events BuilderBot's engine prints as banners; nothing else listens to them by default. */
export const BANNER_EVENTS = ['require_action', 'notice', 'ready', 'auth_failure'] as const;

let chain: Promise<unknown> = Promise.resolve();

/** Runs `fn` with `dir` as the working directory (serialized: chdir is process-wide). */
export function withCwd<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const run = chain.then(async () => {
    const previous = process.cwd();
    mkdirSync(dir, { recursive: true });
    process.chdir(dir);
    try {
      return await fn();
    } finally {
      process.chdir(previous);
    }
  });
  chain = run.catch(() => undefined);
  return run;
}

export async function createConversationKit(opts: {
  home: string;
  providerArgs: Record<string, unknown>;
  flowDeps: FlowDeps;
}): Promise<ConversationKit> {
  return withCwd(opts.home, async () => {
    const { createBot } = await import('@builderbot/bot');
    const { MariadonoProvider } = await import('./provider.ts');
    const { FlowStateDB } = await import('./flow-db.ts');
    const { createCustomerFlows } = await import('../../flows/index.ts');
    const provider = new MariadonoProvider(opts.providerArgs as never);
    const bot = await createBot(
      { flow: createCustomerFlows(opts.flowDeps), database: new FlowStateDB(), provider },
      { delay: 0, queue: { timeout: 20_000, concurrencyLimit: 15 } },
    );
    // The engine prints these with console.log, straight into the terminal (offline, every
    // ~3 min: "⚡⚡ ERROR AUTH ⚡⚡" then "undefined", as it reads the wrong payload shape). The
    // live transport turns them into log lines and prints the QR or pairing code itself.
    const emitter = (provider as unknown as { emitter: { removeAllListeners(e: string): void } }).emitter;
    for (const event of BANNER_EVENTS) emitter.removeAllListeners(event);
    return { provider, bot: bot as unknown as ConversationKit['bot'] };
  });
}
