import { describe, expect, it } from 'vitest';
import { pgAvailable } from '../../helpers/db.ts';
import { checkEngineAgainstOracle } from './engine-property.ts';

describe.skipIf(!(await pgAvailable()))('segment criteria engine (PostgreSQL)', () => {
  it('selects exactly the clients the README definitions select, for random data and criteria', async () => {
    const res = await checkEngineAgainstOracle('postgresql', [1, 2, 3, 4], 60);
    expect(res.checked).toBe(240);
    expect(res.nonTrivial).toBeGreaterThan(60);
  }, 180_000);
});
