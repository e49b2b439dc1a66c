import type { EntityManager } from '@mikro-orm/sql';
import { ConfigError } from '../../config.ts';
import { Usuario } from './usuario.entity.ts';
import type { SecretBox } from './secret-box.ts';

/**
 * At boot: every stored TOTP seed is sealed with the current TOTP_ENCRYPTION_KEY (plain seeds
 * from before encryption, and seeds sealed with an older key during a rotation). Start-up is
 * refused only when seeds exist and no key is configured — without one nobody could confirm a
 * sensitive action; with no seeds stored the key is not needed yet.
 */
export async function sealStoredSecrets(em: EntityManager, box: SecretBox): Promise<number> {
  const users = await em.find(Usuario, { totpSecret: { $ne: null } } as never, { populate: ['totpSecret'] as never });
  if (!users.length) return 0;
  if (!box.enabled) {
    throw new ConfigError([
      `TOTP_ENCRYPTION_KEY: ${users.length} staff account(s) have an authenticator (TOTP) stored; set the key they are sealed with (or a new 32-byte key if they predate encryption): openssl rand -hex 32`,
    ]);
  }
  let resealed = 0;
  for (const user of users) {
    const stored = user.totpSecret!;
    if (!box.needsReseal(stored)) continue;
    user.totpSecret = box.seal(box.open(stored));
    resealed++;
  }
  await em.flush();
  return resealed;
}
