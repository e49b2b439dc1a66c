import { createReadStream } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { WAMessage } from '@whiskeysockets/baileys';

/**
 * Replay's stand-in for Baileys' media download: the bytes of the message's `mediaFile`, a path
 * relative to the JSONL file (and kept inside its folder). No `mediaFile` is a failed download,
 * recorded as such, exactly like an expired media URL in a live session.
 */
export function replayMediaOpener(baseDir: string) {
  return async (raw: WAMessage): Promise<Readable> => {
    const rel = (raw as { mediaFile?: unknown }).mediaFile;
    if (typeof rel !== 'string' || !rel) throw new Error('el evento no trae "mediaFile" con los bytes del archivo');
    const abs = resolve(baseDir, rel);
    const inside = relative(resolve(baseDir), abs);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) throw new Error(`"mediaFile" debe estar dentro de la carpeta del fichero de eventos (${rel})`);
    const stream = createReadStream(abs);
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', fail);
    });
    return stream;
  };
}
