import type { DbKind } from '../../src/config.ts';
import type { Orm } from '../../src/db/orm.ts';
import type { Services } from '../../src/services.ts';
import { createTestHarness, texts } from '../helpers/replay.ts';
import { createCloudHarness, sendTexts } from '../helpers/cloud.ts';

/**
 * One conversation, either platform: Baileys through the replay seam (the real provider, socket
 * events), the Cloud API through signed webhooks into the real sidecar and the Graph API mock.
 * Tests written against this run with the same assertions on both.
 */
export type PlatformName = 'baileys' | 'meta';

export interface ChatDriver {
  platform: PlatformName;
  orm: Orm;
  services: Services;
  /** A text from `phone`; resolves with the replies as the customer reads them. */
  say(phone: string, text: string, o?: { name?: string }): Promise<string[]>;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

export const PLATFORMS: PlatformName[] = ['baileys', 'meta'];

export async function openChat(platform: PlatformName, kind: DbKind = 'sqlite', env: Record<string, string> = {}): Promise<ChatDriver> {
  if (platform === 'baileys') {
    const h = await createTestHarness(kind, { env });
    return {
      platform, orm: h.orm, services: h.services,
      say: async (phone, text, o = {}) => texts(await h.say(phone, text, { name: o.name, at: new Date() })),
      sql: (q, p = []) => h.orm.em.fork().getConnection().execute(q, p) as never,
      cleanup: () => h.cleanup(),
    };
  }
  const c = await createCloudHarness(kind, { env });
  return {
    platform, orm: c.orm, services: c.services,
    say: async (phone, text, o = {}) => sendTexts(await c.say(phone, text, o)),
    sql: (q, p = []) => c.orm.em.fork().getConnection().execute(q, p) as never,
    cleanup: () => c.cleanup(),
  };
}
