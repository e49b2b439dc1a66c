import { createReadStream, statSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { bootCore } from '../app.ts';
import { withEm } from '../db/orm.ts';
import { importOrdersCsv } from '../modules/orders/orders-import.ts';

const USAGE = 'se esperaba: import pedidos <archivo.csv>';

/**
 * `mariadono import pedidos <archivo.csv>`: orders from a shop or POS export. A progress bar on
 * the terminal (stderr, only when it is a TTY), then a summary and every bad line with its number
 * and reason on stdout. Exit 0 when every line was imported or already there, 1 otherwise.
 */
export const importCommand: CommandHandler = async (args, { config, logger, io }) => {
  const [what, file, ...extra] = args;
  if (what !== 'pedidos' || !file || extra.length) throw new UsageError(USAGE);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    io.err(`no se puede leer el archivo «${file}».`);
    return 1;
  }
  const app = await bootCore(config, logger);
  const bar = new SingleBar({ format: 'Importando pedidos [{bar}] {percentage}% · {lines} líneas', hideCursor: true, noTTYOutput: false, stream: process.stderr }, Presets.shades_classic);
  const tty = Boolean(process.stderr.isTTY);
  try {
    if (tty) bar.start(Math.max(1, size), 0, { lines: 0 });
    const res = await importOrdersCsv(app.orm, createReadStream(file), {
      now: app.clock.now(),
      onProgress: (p) => tty && bar.update(p.bytes, { lines: p.lines }),
    });
    if (tty) {
      bar.update(Math.max(1, size), { lines: res.lines });
      bar.stop();
    }
    await withEm(app.orm, (em) =>
      app.services.audit!.record(em, { actorPhone: null, action: 'cli.import.pedidos', target: null, details: { lines: res.lines, created: res.created, unchanged: res.unchanged, errors: res.errors.length }, outcome: res.errors.length ? 'failure' : 'success', channel: 'cli' }),
    );
    io.out(`${res.lines} líneas: ${res.created} pedidos nuevos, ${res.unchanged} ya registrados, ${res.errors.length} con errores.`);
    for (const e of res.errors) io.out(`  línea ${e.line}: ${e.reason}`);
    return res.errors.length ? 1 : 0;
  } finally {
    if (tty) bar.stop();
    await app.close();
  }
};
