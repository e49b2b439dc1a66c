import bcrypt from 'bcrypt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_FACTOR, backoff, createLoginThrottle } from '../../../src/modules/identity/login-throttle.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { formatWait } from '../../../src/shared/i18n/wait.ts';
import { createTestOrm } from '../../helpers/db.ts';
import { createServices } from '../../../src/services.ts';
import { silentLogger } from '../../../src/logger.ts';
import { withEm } from '../../../src/db/orm.ts';
import { grantRole } from '../../../src/modules/identity/identity.service.ts';
import { setPassword } from '../../../src/modules/identity/auth.service.ts';

const policy = { maxFailures: 3, window: 15 * 60_000, maxDelay: 60_000 };

describe('login throttle', () => {
  it('doubles the wait from 1 s after the allowance, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((f) => backoff(f, 3, 60_000))).toEqual([0, 0, 0, 1000, 2000, 4000, 8000]);
    expect(backoff(40, 3, 60_000)).toBe(60_000);
    expect(backoff(10_000, 3, 60_000)).toBe(60_000);
  });

  it('forgets an address after a quiet window, and takes back what was not a guess', () => {
    const clock = new ManualClock(0);
    const t = createLoginThrottle(policy, clock);
    for (let i = 0; i < 3; i++) expect(t.begin('34600000001', '1.1.1.1').ok).toBe(true);
    expect(t.begin('34600000001', '1.1.1.1')).toEqual({ ok: false, retryAfterMs: 1000 });
    clock.set(policy.window + 1);
    const gate = t.begin('34600000001', '1.1.1.1');
    expect(gate.ok).toBe(true);
    // Released (a missing TOTP code): it did not count, so two more failures are still allowed.
    if (gate.ok) gate.release();
    expect(t.begin('34600000001', '1.1.1.1').ok).toBe(true);
    expect(t.begin('34600000001', '1.1.1.1').ok).toBe(true);
    const third = t.begin('34600000001', '1.1.1.1');
    expect(third.ok).toBe(true);
    // Settling twice changes nothing.
    if (third.ok) {
      third.release();
      third.release();
    }
    expect(t.begin('34600000001', '1.1.1.1').ok).toBe(true);
    expect(t.begin('34600000001', '1.1.1.1').ok).toBe(false);
  });

  it('under a distributed attack only addresses that already failed for the phone wait', () => {
    const clock = new ManualClock(0);
    const t = createLoginThrottle(policy, clock);
    const n = ACCOUNT_FACTOR * policy.maxFailures;
    for (let i = 0; i < n; i++) expect(t.begin('34600000001', `10.0.0.${i}`).ok).toBe(true);
    expect(t.begin('34600000001', '10.0.0.0')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(t.begin('34600000001', '192.168.1.5').ok).toBe(true);
    // The same addresses may still try other phones.
    expect(t.begin('34600000002', '10.0.0.0').ok).toBe(true);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const clock = new ManualClock(0);
    const t = createLoginThrottle(policy, clock);
    for (let i = 0; i < 3; i++) t.begin('p0', 'ip0');
    expect(t.begin('p0', 'ip0').ok).toBe(false);
    // One address cannot flood (it is throttled after 3); many addresses can, and then the oldest
    // counters are dropped rather than the map growing without limit.
    for (let i = 1; i < 60_000; i++) t.begin(`p${i}`, `ip${i}`);
    expect(t.begin('p0', 'ip0').ok).toBe(true);
  });

  it('says waits in Spanish', () => {
    expect([1, 999, 1001, 59_000, 60_000, 61_000, 15 * 60_000, 3 * 3_600_000].map(formatWait)).toEqual([
      '1 segundo', '1 segundo', '2 segundos', '59 segundos', '1 minuto', '2 minutos', '15 minutos', '3 horas',
    ]);
  });
});

describe('login: unknown phones cost the same as wrong passwords', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs one bcrypt compare and writes one audit row either way', async () => {
    const db = await createTestOrm('sqlite', { env: { BCRYPT_COST: '10' } });
    try {
      const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock: new ManualClock() });
      await withEm(db.orm, async (em) => setPassword(em, (await grantRole(em, '34600000002', 'admin')).id, 'una contraseña larga', 10));
      const compare = vi.spyOn(bcrypt, 'compare');
      const attempt = async (phone: string) => {
        compare.mockClear();
        const audits = await withEm(db.orm, (em) => em.getConnection().execute('select count(*) as n from audit_log'));
        const result = await withEm(db.orm, (em) => services.auth!.login(em, { phone, password: 'no es esta' }, { ip: `ip-${phone}` }));
        const after = await withEm(db.orm, (em) => em.getConnection().execute('select count(*) as n from audit_log'));
        return { result, compares: compare.mock.calls.length, audits: Number(after[0]!.n) - Number(audits[0]!.n) };
      };
      const staff = await attempt('34600000002');
      const unknown = await attempt('34611111111');
      const garbage = await attempt('no es un teléfono');
      expect(staff).toEqual({ result: { ok: false, code: 'INVALID_CREDENTIALS', status: 401, message: 'Teléfono o contraseña incorrectos.' }, compares: 1, audits: 1 });
      expect(unknown).toEqual(staff);
      expect(garbage).toEqual(staff);
    } finally {
      await db.cleanup();
    }
  });
});
