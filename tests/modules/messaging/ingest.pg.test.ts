import { afterAll, beforeAll, describe, it } from 'vitest';
import { pgAvailable } from '../../helpers/db.ts';
import { createTestHarness, T0, type TestHarness } from '../../helpers/replay.ts';
import { newCustomerGreets, receiptsMoveForwardOnly, sameEventTwiceIsOneRow } from './ingest-scenarios.ts';

// Skipped with a visible warning (printed by pgAvailable) when no PostgreSQL server answers.
describe.skipIf(!(await pgAvailable()))('ingest pipeline (replay → PostgreSQL)', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createTestHarness('postgresql', { start: new Date(T0 * 1000) });
  });
  afterAll(async () => h?.cleanup());

  it('logs a new customer who greets: usuarios row (client role), inbound and outbound conversations_log rows', () => newCustomerGreets(h));

  it('writes a redelivered event once and does not answer it again', () => sameEventTwiceIsOneRow(h));

  it('moves delivery status forward only: a late "delivered" or "failed" never undoes "read"', () => receiptsMoveForwardOnly(h));
});
