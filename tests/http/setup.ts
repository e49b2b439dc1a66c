import type { FastifyInstance } from 'fastify';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { silentLogger } from '../../src/logger.ts';
import { createServices, type Services } from '../../src/services.ts';
import { buildServer } from '../../src/http/server.ts';
import { ManualClock, systemClock, type Clock } from '../../src/shared/clock.ts';
import { withEm } from '../../src/db/orm.ts';
import { grantRole } from '../../src/modules/identity/identity.service.ts';
import { setPassword } from '../../src/modules/identity/auth.service.ts';
import { TEST_APP_SECRET, TEST_PHONE_NUMBER_ID, TEST_VERIFY_TOKEN, TEST_WABA_ID } from '../helpers/meta.ts';

/**
 * The real sidecar on a throwaway SQLite database: real services, real plugins, `inject` (or
 * `listen` on 127.0.0.1 for the loopback test). Nothing of the pipeline is stubbed.
 */

export interface TestServer extends TestOrm {
  app: FastifyInstance;
  services: Services;
  clock: Clock;
  close(): Promise<void>;
}

export async function startTestServer(opts: { env?: Record<string, string>; clock?: ManualClock } = {}): Promise<TestServer> {
  const db = await createTestOrm('sqlite', {
    env: {
      META_APP_SECRET: TEST_APP_SECRET,
      META_VERIFY_TOKEN: TEST_VERIFY_TOKEN,
      META_ACCESS_TOKEN: 'test-access-token',
      META_PHONE_NUMBER_ID: TEST_PHONE_NUMBER_ID,
      META_WABA_ID: TEST_WABA_ID,
      JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
      AUTH_RATE_LIMIT: '1000',
      ...opts.env,
    },
  });
  const clock = opts.clock ?? systemClock;
  const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock });
  const app = await buildServer({ config: db.config, logger: silentLogger(), orm: db.orm, services });
  await app.ready();
  return {
    ...db,
    app,
    services,
    clock,
    async close() {
      await app.close();
      await db.cleanup();
    },
  };
}

export const TEST_PASSWORD = 'contraseña larga de prueba';

/** Creates (or re-roles) a staff user with a password and logs in through POST /api/auth/login. */
export async function loginAs(srv: TestServer, phone: string, role: string): Promise<{ token: string; userId: number }> {
  const user = await withEm(srv.orm, async (em) => {
    const u = await grantRole(em, phone, role);
    await setPassword(em, u.id, TEST_PASSWORD, 4);
    return u;
  });
  const res = await srv.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password: TEST_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login ${phone} failed: ${res.statusCode} ${res.body}`);
  return { token: (res.json() as { token: string }).token, userId: user.id };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
