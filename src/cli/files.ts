import { SingleBar, Presets } from 'cli-progress';
import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { bootCore } from '../app.ts';
import { withEm } from '../db/orm.ts';

/**
 * `mariadono files verify [--fix]`: re-hashes every stored client file against its
 * `checksum_sha256`, with a progress bar on stderr (only when it is a terminal), and lists missing
 * or corrupted files. `--fix` marks their rows `failed` so the hourly media repair job downloads
 * them again (while WhatsApp still has them: 7 days). Exit 0 = all good (or all marked), 1 = problems left.
 */
export const filesCommand: CommandHandler = async (args, { config, logger, io }) => {
  const [sub, ...rest] = args;
  const fix = rest.includes('--fix');
  if (sub !== 'verify' || rest.some((a) => a !== '--fix')) throw new UsageError('se esperaba: files verify [--fix]');
  const app = await bootCore(config, logger);
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'verificando archivos [{bar}] {percentage}% · {value}/{total}', stream: process.stderr }, Presets.shades_classic) : null;
  try {
    let started = false;
    const result = await withEm(app.orm, (em) =>
      app.services.files.verifyFiles(em, {
        fix,
        onProgress: ({ total, done }) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      }),
    );
    bar?.stop();
    for (const p of result.problems) io.out(`${p.problem === 'missing' ? 'FALTA' : 'DAÑADO'} ${p.fileId} ${p.path}`);
    io.out(`archivos verificados: ${result.checked}; con problemas: ${result.problems.length}${fix ? `; marcados para volver a descargar: ${result.fixed}` : ''}`);
    return result.problems.length && !fix ? 1 : 0;
  } finally {
    bar?.stop();
    await app.close();
  }
};
