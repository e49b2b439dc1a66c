import { createInterface } from 'node:readline';
import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { normalizePhone } from '../shared/phone.ts';
import { createReplayHarness, type SentRecord } from '../transport/replay/harness.ts';
import { consoleToStderr, parseFlags, withDatabase } from './replay.ts';

/**
 * `mariadono chat --as <phone> [--name <pushName>] [--db <DATABASE_URL>]`: the replay transport
 * with a keyboard. Each line is a WhatsApp message from that number (flows, commands and the
 * message log behave as live); the bot's replies print back. Works with piped stdin too.
 */

/** How a sent message reads in a terminal: text as is, files by their saved path. */
export function renderSend(s: SentRecord): string {
  const c = s.content as { text?: string; caption?: string; fileName?: string; image?: { url?: string; omitted?: string }; document?: { url?: string } };
  if (typeof c.text === 'string') return c.text;
  const path = c.image?.omitted === 'secret' ? '(contiene un secreto: no se guarda en disco)' : (c.image?.url ?? c.document?.url ?? '(sin ruta)');
  const label = c.image ? 'imagen' : c.document ? `documento ${c.fileName ?? ''}`.trim() : 'mensaje';
  return `[${label}] ${path}${c.caption ? `\n${c.caption}` : ''}`;
}

export const chatCommand: CommandHandler = async (args, { config, logger, io }) => {
  const { positional, flags } = parseFlags(args, ['as', 'name', 'db']);
  if (positional.length) throw new UsageError(`argumentos inesperados: ${positional.join(' ')}`);
  if (!flags.as) throw new UsageError('se esperaba: chat --as <teléfono> [--name <nombre>]');
  const phone = normalizePhone(flags.as);
  if (!phone) throw new UsageError(`"${flags.as}" no es un número con prefijo de país (p. ej. +34600000001)`);
  const restore = consoleToStderr();
  const harness = await createReplayHarness({ config: withDatabase(config, flags.db), logger, start: new Date() });
  const interactive = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  if (interactive) {
    io.out(`Chateando como +${phone}. Escribe un mensaje y pulsa Intro; Ctrl-D para salir.`);
    rl.setPrompt('tú> ');
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      if (line.trim()) {
        const replies = await harness.say(phone, line, { name: flags.name, at: new Date() });
        for (const r of replies) io.out(`bot> ${renderSend(r).replace(/\n/g, '\n     ')}`);
      }
      if (interactive) rl.prompt();
    }
  } finally {
    rl.close();
    await harness.close();
    restore();
  }
  return 0;
};
