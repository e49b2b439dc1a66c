import type { EntityManager } from '@mikro-orm/sql';
import { createTestOrm, type TestOrm } from '../../helpers/db.ts';
import { createServices, type CommandInput, type Services } from '../../../src/services.ts';
import { silentLogger } from '../../../src/logger.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { withEm } from '../../../src/db/orm.ts';
import type { DbKind } from '../../../src/config.ts';
import type { Reply } from '../../../src/transport/types.ts';
import { createCommandRouter, type CommandRouter } from '../../../src/modules/admin/router.ts';
import { createRegistry } from '../../../src/modules/admin/registry.ts';
import { commandDefs } from '../../../src/modules/admin/commands/index.ts';
import { grantRole } from '../../../src/modules/identity/identity.service.ts';
import { AuditLog, type IAuditLog } from '../../../src/modules/identity/audit-log.entity.ts';
import { Usuario, type IUsuario } from '../../../src/modules/identity/usuario.entity.ts';

/**
 * A real database + the real services + the real command router, with a manual clock and a
 * recorder in place of the transport for long-running commands' later replies.
 */

export const PHONES = {
  superAdmin: '34600000001',
  admin: '34600000002',
  manager: '34600000003',
  agent: '34600000004',
  analyst: '34600000005',
  viewer: '34600000006',
  customer: '34699999999',
} as const;

export interface AdminHarness {
  db: TestOrm;
  services: Services;
  router: CommandRouter;
  clock: ManualClock;
  /** Replies sent later (long-running commands), in order. */
  delivered: Array<{ jid: string; reply: Reply }>;
  send(phone: string, text: string, extra?: Partial<CommandInput>): Promise<Reply[]>;
  /** The text of every text reply, joined with blank lines. */
  say(phone: string, text: string, extra?: Partial<CommandInput>): Promise<string>;
  grant(phone: string, role: string): Promise<IUsuario>;
  em<T>(fn: (em: EntityManager) => Promise<T>): Promise<T>;
  audit(): Promise<IAuditLog[]>;
  user(phone: string): Promise<IUsuario | null>;
  close(): Promise<void>;
}

export function textOf(replies: Reply[]): string {
  return replies.map((r) => (r.kind === 'image' || r.kind === 'document' ? `[${r.kind}] ${r.caption ?? ''}` : r.text)).join('\n\n');
}

export async function makeAdminHarness(kind: DbKind = 'sqlite', env: Record<string, string> = {}): Promise<AdminHarness> {
  const db = await createTestOrm(kind, { env });
  const clock = new ManualClock(new Date('2026-11-24T10:00:00Z'));
  const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock });
  const delivered: AdminHarness['delivered'] = [];
  const router = createCommandRouter({
    services,
    registry: createRegistry(commandDefs),
    deliver: async (jid, replies) => {
      for (const reply of replies) delivered.push({ jid, reply });
    },
  });
  services.commands = router;
  const h: AdminHarness = {
    db,
    services,
    router,
    clock,
    delivered,
    send: (phone, text, extra = {}) =>
      router.handle({ phone, jid: `${phone}@s.whatsapp.net`, text, isGroup: false, now: clock.now(), ...extra }),
    say: async (phone, text, extra) => textOf(await h.send(phone, text, extra)),
    grant: (phone, role) => withEm(db.orm, (em) => grantRole(em, phone, role)),
    em: (fn) => withEm(db.orm, fn),
    audit: () => withEm(db.orm, (em) => em.find(AuditLog, {}, { orderBy: { id: 'asc' } })),
    user: (phone) => withEm(db.orm, (em) => em.findOne(Usuario, { phoneNumber: phone }, { populate: ['role', 'totpSecret', 'passwordHash'] as never })),
    async close() {
      await router.idle();
      await db.cleanup();
    },
  };
  return h;
}

/** The standard team: one person per staff role, plus a customer with no permissions. */
export async function seedTeam(h: AdminHarness): Promise<void> {
  await h.grant(PHONES.superAdmin, 'super_admin');
  await h.grant(PHONES.admin, 'admin');
  await h.grant(PHONES.manager, 'manager');
  await h.grant(PHONES.agent, 'agent');
  await h.grant(PHONES.analyst, 'analyst');
  await h.grant(PHONES.viewer, 'viewer');
  await h.grant(PHONES.customer, 'client');
}
