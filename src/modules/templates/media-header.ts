import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import axios, { AxiosError } from 'axios';
import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { ClientFileStorage } from '../files/client-file-storage.entity.ts';
import { openInsideStorage, PathOutsideStorage, type StoredFile } from '../files/file-access.service.ts';

/**
 * The example file of a media header: where it comes from (`ultimo` — the last file the admin
 * sent in chat —, a path under STORAGE_DIR, or a public https URL) and its bytes for Meta's
 * resumable upload or a Cloud API media upload. Paths are confined to STORAGE_DIR exactly like
 * downloads (src/modules/files/file-access.service.ts).
 */

const MEDIA_TYPES: Record<string, string[]> = { image: ['.jpg', '.jpeg', '.png'], video: ['.mp4'], document: ['.pdf'] };
const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.mp4': 'video/mp4', '.pdf': 'application/pdf' };
const isUrl = (ref: string) => /^https?:\/\//i.test(ref);
const mediaError = (key: string, vars: Record<string, string>) => new ValidationError(t(key, vars), undefined, 'TEMPLATE_MEDIA');

/**
 * A URL is downloaded on submission (Meta wants the bytes): only https, no redirects, and never a
 * loopback, private or link-local address written in the URL, so staff cannot make the server
 * fetch internal services. (Names resolving to private addresses are not caught: the setting is
 * for templates.manage holders only.)
 */
export function assertPublicUrl(ref: string): void {
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    throw mediaError('templates.media_url', { url: ref.slice(0, 80) });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const privateHost =
    host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') ||
    /^(127\.|10\.|0\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host) ||
    (host.includes(':') && (host === '::1' || /^(f[cd]|fe80)/.test(host)));
  if (url.protocol !== 'https:' || privateHost) throw mediaError('templates.media_url', { url: ref.slice(0, 80) });
}

export function createHeaderMedia(config: Pick<Config, 'STORAGE_DIR' | 'MEDIA_MAX_BYTES'>) {
  async function open(ref: string): Promise<StoredFile> {
    let file: StoredFile | null;
    try {
      file = await openInsideStorage(config.STORAGE_DIR, ref);
    } catch (err) {
      if (err instanceof PathOutsideStorage) throw mediaError('templates.media_path', { path: ref.slice(0, 80) });
      throw err;
    }
    if (!file) throw mediaError('templates.media_path', { path: ref.slice(0, 80) });
    return file;
  }

  return {
    /** What header_content keeps for `encabezado_archivo=…`: checked now, read on submission. */
    async resolve(em: EntityManager, userId: number | null, spec: string | undefined, headerType: string): Promise<string | null> {
      if (!spec) return null;
      if (isUrl(spec)) {
        assertPublicUrl(spec);
        return spec;
      }
      let rel = spec;
      if (spec.trim().toLowerCase() === 'ultimo') {
        const file = userId
          ? await em.findOne(ClientFileStorage, { cliente: userId, downloadStatus: 'ok' } as never, { orderBy: { uploadTimestamp: 'desc', fileId: 'desc' } as never })
          : null;
        if (!file) throw mediaError('templates.media_none', {});
        rel = file.filePath;
      }
      const allowed = MEDIA_TYPES[headerType] ?? [];
      if (!allowed.includes(extname(rel).toLowerCase())) {
        throw mediaError('templates.media_type', { path: basename(rel), type: headerType, allowed: allowed.join(', ') || '—' });
      }
      await (await open(rel)).handle.close();
      return rel;
    },

    async read(ref: string): Promise<{ bytes: Buffer; mime: string; fileName: string }> {
      if (isUrl(ref)) {
        assertPublicUrl(ref);
        let res;
        try {
          res = await axios.get<ArrayBuffer>(ref, { responseType: 'arraybuffer', maxContentLength: config.MEDIA_MAX_BYTES, timeout: 20_000, maxRedirects: 0 });
        } catch (err) {
          // A broken link is the admin's to fix, not an internal error to retry.
          const why = err instanceof AxiosError ? (err.response ? `HTTP ${err.response.status}` : (err.code ?? err.message)) : String(err);
          throw mediaError('templates.media_download', { url: ref.slice(0, 80), detail: why.slice(0, 60) });
        }
        const mime = String(res.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!;
        return { bytes: Buffer.from(res.data), mime, fileName: basename(new URL(ref).pathname) || 'ejemplo' };
      }
      const file = await open(ref);
      try {
        return { bytes: await readFile(file.handle), mime: MIME[extname(ref).toLowerCase()] ?? 'application/octet-stream', fileName: basename(ref) };
      } finally {
        await file.handle.close();
      }
    },
  };
}
