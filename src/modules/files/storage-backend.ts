import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, realpath, rename, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openInsideStorage, PathOutsideStorage } from './file-access.service.ts';

/**
 * Where client files live (`client_file_storage.storage_location`). Keys are relative,
 * forward-slash paths such as `clients/client_12/media/images/<sha256>.jpg` — the same string
 * whichever backend holds the bytes (on `s3`/`gcs`/`azure` it is the row's `object_key`, in
 * `bucket_name`). Every key is checked by `safeKey` first, so a name, id or archive entry can never
 * address anything outside the client tree.
 */
export interface StorageBackend {
  readonly location: 'local' | 's3' | 'gcs' | 'azure';
  /** Writes the bytes under `key` (replacing what was there), atomically: readers see all or nothing. */
  put(key: string, data: Readable | Buffer): Promise<void>;
  /** The bytes as a stream, or null when nothing is stored under `key`. */
  get(key: string): Promise<{ stream: Readable; size: number } | null>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Renames within the backend (object stores: copy + delete). */
  move(from: string, to: string): Promise<void>;
  /** Deletes everything under a folder prefix (`clients/client_12/`): erasure. */
  deletePrefix(prefix: string): Promise<void>;
}

/** Refuses absolute keys, `..` segments, backslashes, NUL and empty segments; returns the key. */
export function safeKey(key: string): string {
  if (typeof key !== 'string' || !key || key.length > 500 || key.startsWith('/') || /[\\\0]/.test(key) || /^[a-z]:/i.test(key)) {
    throw new PathOutsideStorage(`clave no válida: ${String(key).slice(0, 80)}`);
  }
  for (const seg of key.split('/')) {
    if (!seg || seg === '.' || seg === '..') throw new PathOutsideStorage(`clave no válida: ${key.slice(0, 80)}`);
  }
  return key;
}

/** `storage_location = 'local'`: files under STORAGE_DIR, symlinks out refused. */
export function createLocalBackend(storageDir: string): StorageBackend {
  const root = resolve(storageDir);
  /** Absolute path for `key`, after checking the existing part of its folder stays inside the root. */
  const pathOf = async (key: string): Promise<string> => {
    const abs = resolve(root, safeKey(key));
    if (!abs.startsWith(root + sep)) throw new PathOutsideStorage(`fuera de STORAGE_DIR: ${key.slice(0, 80)}`);
    let dir = dirname(abs);
    // The nearest existing ancestor must resolve inside the (real) root: a symlinked folder is refused.
    for (;;) {
      const st = await lstat(dir).catch(() => null);
      if (st) break;
      dir = dirname(dir);
    }
    const realRoot = await realpath(root);
    const real = await realpath(dir);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new PathOutsideStorage(`enlace fuera de STORAGE_DIR: ${key.slice(0, 80)}`);
    return abs;
  };
  return {
    location: 'local',
    async put(key, data) {
      const abs = await pathOf(key);
      await mkdir(dirname(abs), { recursive: true });
      const tmp = `${dirname(abs)}/.incoming-${randomUUID()}`;
      try {
        await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, createWriteStream(tmp, { flags: 'wx' }));
        await rename(tmp, abs);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async get(key) {
      const file = await openInsideStorage(root, safeKey(key));
      return file ? { stream: file.handle.createReadStream(), size: file.size } : null;
    },
    async delete(key) {
      await rm(await pathOf(key), { force: true });
    },
    async exists(key) {
      const file = await openInsideStorage(root, safeKey(key));
      if (!file) return false;
      await file.handle.close();
      return true;
    },
    async deletePrefix(prefix) {
      await rm(await pathOf(prefix.replace(/\/+$/, '')), { recursive: true, force: true });
    },
    async move(from, to) {
      const [a, b] = [await pathOf(from), await pathOf(to)];
      await mkdir(dirname(b), { recursive: true });
      await rename(a, b);
    },
  };
}
