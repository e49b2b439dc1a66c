import { createReadStream, createWriteStream, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';

/**
 * Line-based files outside the database that may repeat a person's messages: BuilderBot's own
 * logs under `$STORAGE_DIR/whatsapp` (core.class.log records message content) and a
 * RECORD_EVENTS recording. An erasure drops every line that mentions them (a line is one log
 * entry or one recorded event), streaming, through a temp file renamed over the original.
 */
export function erasableLogFiles(storageDir: string, recordEvents?: string | null): string[] {
  const out: string[] = [];
  const dir = join(storageDir, 'whatsapp');
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.log') && statSync(join(dir, f)).isFile()) out.push(join(dir, f));
  if (recordEvents && existsSync(recordEvents) && statSync(recordEvents).isFile()) out.push(recordEvents);
  return out;
}

/** Removes the lines that contain any needle; returns how many lines went. */
export async function dropLinesMentioning(path: string, needles: string[]): Promise<number> {
  if (!needles.length) return 0;
  const tmp = `${path}.erasing`;
  const out = createWriteStream(tmp, { mode: 0o600 });
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let dropped = 0;
  for await (const line of rl) {
    if (needles.some((n) => line.includes(n))) {
      dropped++;
      continue;
    }
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  return dropped;
}
