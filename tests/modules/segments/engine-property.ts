import { expect } from 'vitest';
import type { DbKind } from '../../../src/config.ts';
import { withEm } from '../../../src/db/orm.ts';
import { validateCriteria } from '../../../src/modules/segments/criteria.ts';
import { explainQuery, matchQuery } from '../../../src/modules/segments/compile.ts';
import { dialectOf, rows } from '../../../src/modules/segments/sql.ts';
import { createRng } from '../../helpers/fuzz.ts';
import { createTestOrm } from '../../helpers/db.ts';
import { evaluate } from './oracle.ts';
import { buildWorld, NOW, randomCriteria, TODAY } from './world.ts';

/**
 * The property shared by the SQLite and PostgreSQL suites: for random worlds and random valid
 * criteria, the compiled SQL selects exactly the clients the brute-force oracle selects, and the
 * per-client explanation query gives one client the same verdict.
 */
export async function checkEngineAgainstOracle(kind: DbKind, seeds: number[], criteriaPerWorld: number): Promise<{ checked: number; nonTrivial: number }> {
  const db = await createTestOrm(kind);
  let checked = 0;
  // Criteria that select some but not all clients: the property must not pass on empty answers.
  let nonTrivial = 0;
  try {
    for (const seed of seeds) {
      await withEm(db.orm, async (em) => {
        const world = await buildWorld(em, seed);
        const r = createRng(seed * 7919);
        const ctx = { dialect: dialectOf(em), now: NOW, today: TODAY };
        for (let i = 0; i < criteriaPerWorld; i++) {
          const criteria = validateCriteria(randomCriteria(r));
          const got = new Set((await rows<{ cliente_id: number }>(em, matchQuery(ctx, criteria))).map((x) => Number(x.cliente_id)));
          const want = evaluate(world, criteria);
          const only = (a: Set<number>, b: Set<number>) => [...a].filter((x) => !b.has(x)).sort((x, y) => x - y);
          expect({ seed, i, criteria, extra: only(got, want), missing: only(want, got) }).toEqual({ seed, i, criteria, extra: [], missing: [] });
          // `/segmento explicar` reads one client's statistics alone: its verdict must agree too.
          const probe = world.users[i % world.users.length]!.id;
          const [one] = await rows<{ matched: number | string }>(em, explainQuery(ctx, criteria, probe).query);
          expect({ seed, i, probe, matched: Number(one?.matched) === 1 }).toEqual({ seed, i, probe, matched: want.has(probe) });
          checked++;
          if (want.size > 0 && want.size < world.users.length) nonTrivial++;
        }
        // Next world on a clean slate.
        for (const table of ['customer_scores', 'pedidos', 'conversations_log']) await em.getConnection().execute(`delete from ${table}`);
        await em.getConnection().execute(`delete from usuarios where "phoneNumber" like '3461%'`);
      });
    }
  } finally {
    await db.cleanup();
  }
  return { checked, nonTrivial };
}
