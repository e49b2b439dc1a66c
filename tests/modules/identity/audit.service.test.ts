import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminHarness, type AdminHarness } from '../admin/harness.ts';
import { pgAvailable } from '../../helpers/db.ts';
import { canonicalJson, hashAuditRow, redactSecrets, REDACTED } from '../../../src/modules/identity/audit-hash.ts';
import type { DbKind } from '../../../src/config.ts';

describe('audit hashing helpers', () => {
  it('produces the same canonical JSON whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }));
  });

  it('redacts passwords, codes and tokens at any depth and repairs unstorable text', () => {
    const out = redactSecrets({ args: { contraseña: 'hunter22hunter', codigo: '123456', nested: { token: 'x', ok: 'fine' } }, s: 'a\u0000b\ud800' }) as any;
    expect(out.args.contraseña).toBe(REDACTED);
    expect(out.args.codigo).toBe(REDACTED);
    expect(out.args.nested.token).toBe(REDACTED);
    expect(out.args.nested.ok).toBe('fine');
    expect(out.s).toBe('ab\ufffd');
  });

  it('changes the hash when any field or the previous hash changes', () => {
    const row = { actorId: 1, actorPhone: '34600000001', action: 'x', target: null, details: { a: 1 }, outcome: 'success', durationMs: 3, channel: 'chat', createdAt: new Date(0) };
    const h = hashAuditRow(null, row);
    expect(hashAuditRow(null, { ...row })).toBe(h);
    expect(hashAuditRow('ab', row)).not.toBe(h);
    expect(hashAuditRow(null, { ...row, outcome: 'denied' })).not.toBe(h);
    expect(hashAuditRow(null, { ...row, details: { a: 2 } })).not.toBe(h);
  });
});

const kinds: DbKind[] = ['sqlite', ...((await pgAvailable()) ? (['postgresql'] as const) : [])];

describe.each(kinds)('audit service on %s', (kind) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await makeAdminHarness(kind);
  });
  afterAll(async () => h?.close());

  it('chains every row to the previous one and verifies the chain', async () => {
    const audit = h.services.audit!;
    await h.em(async (em) => {
      await audit.record(em, { action: 'test.one', outcome: 'success', details: { password: 'secret!', n: 1.5 } });
      await audit.record(em, { action: 'test.two', outcome: 'denied', actorPhone: '34600000001', target: 'x'.repeat(400) });
    });
    const rows = await h.audit();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.prevHash).toBeNull();
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[0]!.details).toEqual({ password: REDACTED, n: 1.5 });
    expect(rows[1]!.target!.length).toBeLessThanOrEqual(255);
    expect(await h.em((em) => audit.verify(em))).toEqual({ ok: true, count: 2 });
  });

  it('never forks the chain under concurrent writers', async () => {
    const audit = h.services.audit!;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => h.em((em) => audit.record(em, { action: `test.concurrent.${i}`, outcome: 'success' }))),
    );
    const result = await h.em((em) => audit.verify(em));
    expect(result.ok).toBe(true);
    expect(result.count).toBe(42);
    const prevs = (await h.audit()).map((r) => r.prevHash);
    expect(new Set(prevs).size).toBe(prevs.length);
  });

  it("joins the caller's transaction instead of waiting for another connection", async () => {
    const count = async () => (await h.audit()).length;
    const before = await count();
    await h.em((em) =>
      em.transactional(async (tx) => {
        await tx.execute(`update usuarios set nombre = 'x' where id = -1`);
        await h.services.audit!.record(tx as never, { action: 'test.nested', outcome: 'success' });
      }),
    );
    expect(await count()).toBe(before + 1);
    // ...and so it is undone with it, like every other write of that unit of work.
    await expect(
      h.em((em) =>
        em.transactional(async (tx) => {
          await h.services.audit!.record(tx as never, { action: 'test.rolled_back', outcome: 'success' });
          throw new Error('boom');
        }),
      ),
    ).rejects.toThrow('boom');
    expect(await count()).toBe(before + 1);
    expect((await h.em((em) => h.services.audit!.verify(em))).ok).toBe(true);
  });

  it('reports the first broken link after a raw SQL edit', async () => {
    const rows = await h.audit();
    const victim = rows[5]!;
    await h.em((em) => em.execute(`update audit_log set outcome = 'allowed' where id = ?`, [victim.id]));
    const result = await h.em((em) => h.services.audit!.verify(em));
    expect(result).toMatchObject({ ok: false, brokenId: victim.id, reason: 'hash_mismatch' });
  });

  it('detects a deleted row through the next row\'s link', async () => {
    const rows = await h.audit();
    await h.em((em) => em.execute(`update audit_log set outcome = ? where id = ?`, ['success', rows[5]!.id]));
    expect((await h.em((em) => h.services.audit!.verify(em))).ok).toBe(true);
    await h.em((em) => em.execute('delete from audit_log where id = ?', [rows[10]!.id]));
    expect(await h.em((em) => h.services.audit!.verify(em))).toMatchObject({ ok: false, brokenId: rows[11]!.id, reason: 'prev_hash_mismatch' });
  });
});
