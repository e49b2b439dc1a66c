import { accessSync, constants, createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { resolveDatabase, type Config } from '../config.ts';
import { createReplayHarness } from '../transport/replay/harness.ts';
import { eventTime, parseReplayLine, ReplayLineError } from '../transport/replay/events-file.ts';

/**
 * `mariadono replay <events.jsonl> [--db <DATABASE_URL>]`: feeds recorded Baileys events through
 * the same adapter, pipeline and flows as the live socket and prints every outbound message as
 * one JSON line on stdout (logs on stderr). A malformed line stops the replay with its line
 * number, after the lines before it have been processed; the exit code is then 1.
 */

export function parseFlags(args: string[], known: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.includes(name)) throw new UsageError(`opción desconocida --${name}; opciones válidas: ${known.map((k) => `--${k}`).join(', ')}`);
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} necesita un valor`);
    flags[name] = value;
  }
  return { positional, flags };
}

export function withDatabase(config: Config, url: string | undefined): Config {
  if (!url) return config;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(url)) throw new UsageError(`--db "${url}": se esperaba sqlite:<ruta> o postgres://usuario@host:puerto/base`);
  return { ...config, db: resolveDatabase(url, config.STORAGE_DIR) };
}

/** Keeps stdout for data: anything a dependency prints with console.log/info/debug goes to stderr. */
export function consoleToStderr(): () => void {
  const original = { log: console.log, info: console.info, debug: console.debug };
  const toStderr = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
  Object.assign(console, { log: toStderr, info: toStderr, debug: toStderr });
  return () => void Object.assign(console, original);
}

/** Why the events file cannot be replayed, in Spanish; null when it can be read. */
function unreadable(file: string): string | null {
  if (!existsSync(file)) return `no existe el fichero ${file}`;
  if (!statSync(file).isFile()) return `${file} no es un fichero (se esperaba un fichero .jsonl de eventos)`;
  try {
    accessSync(file, constants.R_OK);
  } catch {
    return `no se puede leer el fichero ${file} (permiso denegado)`;
  }
  return null;
}

/** The first timestamp in the file: replay time starts there, even for events before it. */
async function firstTimestamp(path: string): Promise<Date | undefined> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      try {
        const e = parseReplayLine(line, ++n);
        const at = e && eventTime(e);
        if (at) return at;
      } catch {
        return undefined;
      }
    }
  } finally {
    rl.close();
  }
  return undefined;
}

export const replayCommand: CommandHandler = async (args, { config, logger, io }) => {
  const { positional, flags } = parseFlags(args, ['db']);
  if (positional.length !== 1) throw new UsageError('se esperaba: replay <eventos.jsonl> [--db <DATABASE_URL>]');
  const cfg = withDatabase(config, flags.db);
  const file = resolve(positional[0]!);
  const problem = unreadable(file);
  if (problem) {
    io.err(`mariadono replay: ${problem}`);
    return 1;
  }
  let exit = 0;
  let lineNo = 0;
  const restore = consoleToStderr();
  const harness = await createReplayHarness({
    config: cfg, logger, baseDir: dirname(file), start: await firstTimestamp(file),
    // Like an expired media URL live: the message is logged with a failed download, and the replay goes on.
    onMediaProblem: (id, reason) => io.err(`mariadono replay: línea ${lineNo}: mensaje ${id}: ${reason}; la descarga queda registrada como fallida`),
    // Printed the moment the socket takes the message, synchronously: a send is on stdout before
    // its row can say `sent`, whatever happens to the process next.
    onSend: (s) => (io.outSync ?? io.out)(JSON.stringify({ type: s.type, id: s.messageId, to: s.to, content: s.content })),
  }).catch((err) => {
    restore();
    throw err;
  });
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      lineNo++;
      const event = parseReplayLine(line, lineNo);
      if (!event) continue;
      await harness.feed(event);
    }
    // What an interrupted earlier run left unanswered (young enough at the replay's clock).
    await harness.answerPending();
  } catch (err) {
    exit = 1;
    io.err(`mariadono replay: ${err instanceof ReplayLineError ? err.message : `línea ${lineNo}: ${(err as Error).message}`}`);
  } finally {
    rl.close();
    await harness.close();
    restore();
  }
  return exit;
};
