import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.ts';

/**
 * The key of the audit log's personal-field digests. `AUDIT_HMAC_KEY` when set; otherwise a random
 * key is created once in `$STORAGE_DIR/audit-hmac.key` (mode 0600) and reused, so the chain keeps
 * verifying across restarts. Losing or changing the key makes every row that still holds its
 * personal fields fail `audit verify` (their digests can no longer be recomputed); rows blanked by
 * an erasure are unaffected. A fixed, public key would let anyone test candidate phone numbers
 * against a blanked row's digest, which is why there is no built-in default.
 */
export const AUDIT_KEY_FILE = 'audit-hmac.key';

export function resolveAuditKey(config: Pick<Config, 'STORAGE_DIR'> & { AUDIT_HMAC_KEY?: string }): { key: Buffer; source: 'env' | 'file' } {
  if (config.AUDIT_HMAC_KEY) return { key: Buffer.from(config.AUDIT_HMAC_KEY, 'utf8'), source: 'env' };
  const file = join(config.STORAGE_DIR, AUDIT_KEY_FILE);
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (text.length >= 32) return { key: Buffer.from(text, 'utf8'), source: 'file' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(config.STORAGE_DIR, { recursive: true });
  const fresh = randomBytes(32).toString('hex');
  try {
    // 'wx': two processes starting together must not overwrite each other's key.
    writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    return { key: Buffer.from(fresh, 'utf8'), source: 'file' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8'), source: 'file' };
  }
}
