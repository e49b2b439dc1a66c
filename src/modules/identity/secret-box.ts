import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';

/**
 * Secrets kept in the database (TOTP seeds) are sealed with AES-256-GCM — an AEAD from Node's
 * own OpenSSL binding, so a stolen database file or backup does not hand out second factors.
 * Stored form: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url). The key id (8 hex characters
 * of the key's SHA-256) says which configured key opens it, which is what makes rotation work:
 * put the new key first in TOTP_ENCRYPTION_KEY, keep the old one after it, restart (every
 * secret is re-sealed with the new key at boot), then drop the old key.
 */

export class SecretKeyMissingError extends AppError {
  constructor() {
    super('SECRET_KEY_MISSING', t('common.secret_key_missing'), 503);
  }
}

const PREFIX = 'v1';

const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

export interface SecretBox {
  /** Whether a key is configured. */
  readonly enabled: boolean;
  seal(plain: string): string;
  /** Opens a sealed value; a legacy plain-text value (from before encryption) is returned as is. */
  open(stored: string): string;
  isSealed(stored: string): boolean;
  /** Sealed with a key other than the current one (or not sealed at all): re-seal it. */
  needsReseal(stored: string): boolean;
}

export function createSecretBox(keys: Buffer[]): SecretBox {
  const byId = new Map(keys.map((k) => [keyId(k), k]));
  const current = keys[0] ?? null;
  const currentId = current ? keyId(current) : null;
  const isSealed = (stored: string) => stored.startsWith(`${PREFIX}.`) && stored.split('.').length === 5;
  return {
    enabled: Boolean(current),
    isSealed,
    seal(plain) {
      if (!current) throw new SecretKeyMissingError();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [PREFIX, currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(stored) {
      if (!isSealed(stored)) return stored;
      const [, id, iv, tag, ct] = stored.split('.') as [string, string, string, string, string];
      const key = byId.get(id);
      if (!key) throw new SecretKeyMissingError();
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
    needsReseal(stored) {
      return !isSealed(stored) || stored.split('.')[1] !== currentId;
    },
  };
}
