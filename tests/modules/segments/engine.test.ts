import { describe, expect, it } from 'vitest';
import { checkEngineAgainstOracle } from './engine-property.ts';

describe('segment criteria engine (SQLite)', () => {
  it('selects exactly the clients the README definitions select, for random data and criteria', async () => {
    const res = await checkEngineAgainstOracle('sqlite', [1, 2, 3, 4], 60);
    expect(res.checked).toBe(240);
    expect(res.nonTrivial).toBeGreaterThan(60);
  }, 120_000);
});
