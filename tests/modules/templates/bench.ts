import { resolve } from 'node:path';
import { withEm } from '../../../src/db/orm.ts';
import type { DbKind } from '../../../src/config.ts';
import { templatesDepsOf } from '../../../src/services.ts';
import { grantRole } from '../../../src/modules/identity/identity.service.ts';
import { createTemplatesService } from '../../../src/modules/templates/templates.service.ts';
import { createTemplateGraph } from '../../../src/modules/templates/template-graph.ts';
import { createMetaTransport } from '../../../src/modules/meta/meta-transport.ts';
import { createTestHarness, texts, type TestHarness } from '../../helpers/replay.ts';
import { startMockGraph, type MockGraph } from '../../helpers/mock-graph.ts';

/**
 * Templates end to end: the replay harness (real provider, adapter, router, Baileys transport)
 * with the Meta settings pointing at the local Graph API mock. Retries sleep instantly.
 */

export const TEAM = { superAdmin: '34600000001', superAdmin2: '34600000009', manager: '34600000003', agent: '34600000004', viewer: '34600000006' } as const;
export const WABA = '555';

export interface TemplateBench {
  h: TestHarness;
  mock: MockGraph;
  sleeps: number[];
  /** The text replies to a chat message (later replies of long-running commands included). */
  say(phone: string, text: string): Promise<string>;
  /** Texts the bot sent to `phone` since `from` (an index into h.sent). */
  sentTo(phone: string, from?: number): string[];
  /** Runs `fn` with the Cloud API transport (against the mock), then puts Baileys back. */
  withCloudApi<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function makeTemplateBench(kind: DbKind = 'sqlite'): Promise<TemplateBench> {
  const mock = await startMockGraph();
  const h = await createTestHarness(kind, {
    // Replay media (`mediaFile`) comes from the shared fixtures.
    baseDir: resolve(import.meta.dirname, '../../fixtures/replay'),
    env: { META_ACCESS_TOKEN: mock.token, META_WABA_ID: WABA, META_APP_ID: '777', META_PHONE_NUMBER_ID: '111', META_GRAPH_URL: mock.baseUrl, ADMIN_PHONES: `${TEAM.superAdmin},${TEAM.superAdmin2}` },
  });
  await withEm(h.orm, async (em) => {
    await grantRole(em, TEAM.manager, 'manager');
    await grantRole(em, TEAM.agent, 'agent');
    await grantRole(em, TEAM.viewer, 'viewer');
  });
  const sleeps: number[] = [];
  h.services.templates = createTemplatesService({
    ...templatesDepsOf(h.services),
    graph: createTemplateGraph({ baseUrl: mock.baseUrl, accessToken: mock.token, wabaId: WABA, appId: '777', pageSize: 2, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 }),
  });
  const bench: TemplateBench = {
    h,
    mock,
    sleeps,
    async say(phone, text) {
      const before = h.sent.length;
      await h.say(phone, text);
      await h.services.commands?.idle();
      await h.idle();
      return texts(h.sent.slice(before).filter((r) => r.to.startsWith(phone))).join('\n\n');
    },
    sentTo(phone, from = 0) {
      return texts(h.sent.slice(from).filter((r) => r.to.startsWith(phone)));
    },
    async withCloudApi(fn) {
      // The Cloud API alone answers for the duration (the window is open: the customer just wrote).
      const previous = h.services.transports.all();
      for (const t of previous) h.services.transports.remove(t);
      const cloud = createMetaTransport(h.services.meta.graph, { clock: h.clock });
      h.services.transports.add(cloud);
      try {
        return await fn();
      } finally {
        h.services.transports.remove(cloud);
        for (const t of previous) h.services.transports.add(t);
      }
    },
    async close() {
      await h.cleanup();
      await mock.close();
    },
  };
  return bench;
}
