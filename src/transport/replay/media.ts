import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, normalize, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { WAMessage } from '@whiskeysockets/baileys';

/**
 * Replay's stand-in for Baileys' media download: the bytes of the message's `mediaFile`, a path
 * relative to the JSONL file and kept inside its folder (symbolic links included). No
 * `mediaFile`, or one that cannot be read, is a failed download, recorded as such on the row —
 * exactly like an expired media URL in a live session — and reported through `onProblem`.
 */

/** Why a `mediaFile` value can never be used, whatever the folder holds (null when it may be). */
export function mediaFileProblem(rel: unknown): string | null {
  if (typeof rel !== 'string' || !rel.trim()) return '"mediaFile" debe ser una ruta (texto) relativa al fichero JSONL';
  if (rel.includes('\u0000')) return '"mediaFile" contiene caracteres no válidos';
  const n = normalize(rel);
  if (isAbsolute(rel) || n === '..' || n.startsWith('../') || n.startsWith('..\\')) {
    return `"mediaFile" debe estar dentro de la carpeta del fichero de eventos (llegó ${JSON.stringify(rel.slice(0, 200))})`;
  }
  return null;
}

const inside = (base: string, path: string) => {
  const rel = relative(base, path);
  return Boolean(rel) && !rel.startsWith('..') && !isAbsolute(rel);
};

async function openInside(baseDir: string, rel: unknown): Promise<Readable> {
  const problem = mediaFileProblem(rel);
  if (problem) throw new Error(problem);
  const name = JSON.stringify(rel);
  const abs = resolve(baseDir, rel as string);
  const real = await realpath(abs).catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === 'ENOENT' ? `no existe el fichero "mediaFile" ${name} (ENOENT)` : `no se puede leer "mediaFile" ${name} (${err.code ?? err.message})`);
  });
  if (!inside(await realpath(baseDir), real)) throw new Error(`"mediaFile" ${name} apunta fuera de la carpeta del fichero de eventos`);
  if (!(await stat(real)).isFile()) throw new Error(`"mediaFile" ${name} no es un fichero`);
  const stream = createReadStream(real);
  await new Promise<void>((ok, fail) => {
    stream.once('open', () => ok());
    stream.once('error', (err: NodeJS.ErrnoException) => fail(new Error(`no se puede leer "mediaFile" ${name} (${err.code ?? err.message})`)));
  });
  return stream;
}

export function replayMediaOpener(baseDir: string, onProblem?: (messageId: string, reason: string) => void) {
  return async (raw: WAMessage): Promise<Readable> => {
    const rel = (raw as { mediaFile?: unknown }).mediaFile;
    try {
      if (rel === undefined || rel === null || rel === '') throw new Error('el evento no trae "mediaFile" con los bytes del archivo');
      return await openInside(baseDir, rel);
    } catch (err) {
      onProblem?.(String(raw.key?.id ?? '?'), (err as Error).message);
      throw err;
    }
  };
}
