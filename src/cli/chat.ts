import { createInterface } from 'node:readline';
import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { normalizePhone } from '../shared/phone.ts';
import { createReplayHarness, type SentRecord } from '../transport/replay/harness.ts';
import { consoleToStderr, parseFlags, withDatabase } from './replay.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/**
 * `mariadono chat --as <phone> [--name <pushName>] [--db <DATABASE_URL>] [--platform baileys|meta]`:
 * a keyboard on either platform. Baileys (default): the replay transport, each line a socket
 * message. Meta: each line a signed Cloud API webhook into the real sidecar, replies through the
 * Cloud API transport to an in-process Graph API mock. Flows, commands and the message log
 * behave as live; the bot's replies print back. Works with piped stdin too.
 */

/** How a sent message reads in a terminal: text as is, files by their saved path. */
export function renderSend(s: SentRecord): string {
  const c = s.content as { text?: string; caption?: string; fileName?: string; image?: { url?: string; omitted?: string }; document?: { url?: string } };
  if (typeof c.text === 'string') return c.text;
  const path = c.image?.omitted === 'secret' ? '(contiene un secreto: no se guarda en disco)' : (c.image?.url ?? c.document?.url ?? '(sin ruta)');
  const label = c.image ? 'imagen' : c.document ? `documento ${c.fileName ?? ''}`.trim() : 'mensaje';
  return `[${label}] ${path}${c.caption ? `\n${c.caption}` : ''}`;
}

interface ChatSession {
  say(line: string): Promise<string[]>;
  close(): Promise<void>;
}

async function baileysSession(config: Config, logger: Logger, phone: string, name: string | undefined): Promise<ChatSession> {
  const harness = await createReplayHarness({ config, logger, start: new Date() });
  return {
    say: async (line) => (await harness.say(phone, line, { name, at: new Date() })).map(renderSend),
    close: () => harness.close(),
  };
}

async function cloudSession(config: Config, logger: Logger, phone: string, name: string | undefined): Promise<ChatSession> {
  const { startCloudConsole } = await import('../transport/cloud/console.ts');
  return startCloudConsole(config, logger, { phone, name });
}

export const chatCommand: CommandHandler = async (args, { config, logger, io }) => {
  const { positional, flags } = parseFlags(args, ['as', 'name', 'db', 'platform']);
  if (positional.length) throw new UsageError(`argumentos inesperados: ${positional.join(' ')}`);
  if (!flags.as) throw new UsageError('se esperaba: chat --as <teléfono> [--name <nombre>] [--platform baileys|meta]');
  const platform = flags.platform ?? 'baileys';
  if (platform !== 'baileys' && platform !== 'meta') throw new UsageError(`--platform "${platform}": se esperaba baileys o meta`);
  const phone = normalizePhone(flags.as);
  if (!phone) throw new UsageError(`"${flags.as}" no es un número con prefijo de país (p. ej. +34600000001)`);
  const restore = consoleToStderr();
  const session = platform === 'meta' ? await cloudSession(withDatabase(config, flags.db), logger, phone, flags.name) : await baileysSession(withDatabase(config, flags.db), logger, phone, flags.name);
  const interactive = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  if (interactive) {
    io.out(`Chateando como +${phone} (${platform === 'meta' ? 'API de WhatsApp Cloud, simulada en local' : 'WhatsApp'}). Escribe un mensaje y pulsa Intro; Ctrl-D para salir.`);
    rl.setPrompt('tú> ');
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      if (line.trim()) {
        for (const r of await session.say(line)) io.out(`bot> ${r.replace(/\n/g, '\n     ')}`);
      }
      if (interactive) rl.prompt();
    }
  } finally {
    rl.close();
    await session.close();
    restore();
  }
  return 0;
};
