import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { withEm } from '../../../src/db/orm.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { createSecretBox } from '../../../src/modules/identity/secret-box.ts';
import { sealStoredSecrets } from '../../../src/modules/identity/seal-secrets.ts';
import { ensureUser } from '../../../src/modules/identity/identity.service.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { createTestOrm, type TestOrm } from '../../helpers/db.ts';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('TOTP seeds sealed at rest (AES-256-GCM)', () => {
  let db: TestOrm | undefined;
  afterEach(async () => db?.cleanup());

  it('seals, opens, detects tampering and tells which key sealed a value', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const box = createSecretBox([a]);
    const sealed = box.seal(SEED);
    expect(sealed).not.toContain(SEED);
    expect(box.open(sealed)).toBe(SEED);
    expect(box.seal(SEED)).not.toBe(sealed); // a fresh IV every time
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    const rotated = createSecretBox([b, a]);
    expect(rotated.open(sealed)).toBe(SEED);
    expect(rotated.needsReseal(sealed)).toBe(true);
    expect(rotated.needsReseal(rotated.seal(SEED))).toBe(false);
    expect(() => createSecretBox([]).seal(SEED)).toThrow(/TOTP_ENCRYPTION_KEY/);
  });

  it('validates TOTP_ENCRYPTION_KEY (32-byte hex or base64 keys, comma-separated)', () => {
    expect(loadConfig({ TOTP_ENCRYPTION_KEY: `${'ab'.repeat(32)}, ${randomBytes(32).toString('base64')}` }).TOTP_ENCRYPTION_KEY).toHaveLength(2);
    expect(() => loadConfig({ TOTP_ENCRYPTION_KEY: 'short' })).toThrow(/TOTP_ENCRYPTION_KEY/);
  });

  it('at boot seals legacy plain seeds, re-seals after a rotation, and refuses to start without a key only when seeds exist', async () => {
    db = await createTestOrm('sqlite');
    const orm = db.orm;
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    // No seeds stored: no key needed.
    expect(await withEm(orm, (em) => sealStoredSecrets(em, createSecretBox([])))).toBe(0);
    await withEm(orm, async (em) => {
      const { user } = await ensureUser(em, '34600000001');
      user.totpSecret = SEED; // as stored before encryption existed
      await em.flush();
    });
    await expect(withEm(orm, (em) => sealStoredSecrets(em, createSecretBox([])))).rejects.toBeInstanceOf(ConfigError);
    const stored = async () => (await orm.em.fork().getConnection().execute('select totp_secret from usuarios'))[0].totp_secret as string;
    expect(await withEm(orm, (em) => sealStoredSecrets(em, createSecretBox([oldKey])))).toBe(1);
    expect(await stored()).toMatch(/^v1\./);
    expect(createSecretBox([oldKey]).open(await stored())).toBe(SEED);
    expect(await withEm(orm, (em) => sealStoredSecrets(em, createSecretBox([oldKey])))).toBe(0);
    expect(await withEm(orm, (em) => sealStoredSecrets(em, createSecretBox([newKey, oldKey])))).toBe(1);
    expect(createSecretBox([newKey]).open(await stored())).toBe(SEED);
    expect(await withEm(orm, (em) => em.count(Usuario, { totpSecret: SEED } as never))).toBe(0);
  });
});
