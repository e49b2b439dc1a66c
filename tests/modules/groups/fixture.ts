import { withEm } from '../../../src/db/orm.ts';
import { ensureUser, grantRole } from '../../../src/modules/identity/identity.service.ts';
import type { DbKind } from '../../../src/config.ts';
import { createTestHarness, texts, T0, type TestHarness } from '../../helpers/replay.ts';

/**
 * A replay harness with a team and three known clients, for the groups tests. Group events go
 * through the real adapter and ingest; commands through the real router.
 */

export const STAFF = { manager: '34611111111', agent: '34622222222', viewer: '34633333333', analyst: '34644444444' } as const;
export const CLIENTS = { ana: '34600000001', beto: '34600000002', carla: '34600000003' } as const;
export const G1 = '120363000000000001@g.us';
export const G2 = '120363000000000002@g.us';
export const G3 = '120363000000000003@g.us';
export const jid = (phone: string) => `${phone}@s.whatsapp.net`;
export const at = (secs: number) => new Date((T0 + secs) * 1000);

export async function groupsHarness(kind: DbKind = 'sqlite', env: Record<string, string> = {}): Promise<TestHarness> {
  const h = await createTestHarness(kind, { start: new Date(T0 * 1000), env: { TZ: 'Europe/Madrid', ...env } });
  await withEm(h.orm, async (em) => {
    await grantRole(em, STAFF.manager, 'manager');
    await grantRole(em, STAFF.agent, 'agent');
    await grantRole(em, STAFF.viewer, 'viewer');
    await grantRole(em, STAFF.analyst, 'analyst');
    await ensureUser(em, CLIENTS.ana, { nombre: 'Ana' });
    await ensureUser(em, CLIENTS.beto, { nombre: 'Beto' });
    await ensureUser(em, CLIENTS.carla, { nombre: 'Carla' });
    await em.flush();
  });
  return h;
}

/** Moves replay time to T0 + secs. */
export function setTime(h: TestHarness, secs: number): void {
  h.clock.advance(at(secs).getTime() - h.clock.now().getTime());
}

/** Runs a command as `phone` and waits for long-running answers too; returns every reply text. */
export async function command(h: TestHarness, phone: string, text: string): Promise<string[]> {
  const before = h.sent.length;
  await h.say(phone, text);
  await h.services.commands!.idle();
  await h.idle();
  return texts(h.sent.slice(before));
}

/** A group message from `phone` at T0 + secs (type text unless `message` says otherwise). */
export function groupMessage(group: string, phone: string, id: string, secs: number, message: Record<string, unknown> = { conversation: 'hola' }, name?: string) {
  return { key: { remoteJid: group, fromMe: false, id, participant: jid(phone) }, messageTimestamp: T0 + secs, pushName: name, message };
}

export async function feedMessages(h: TestHarness, messages: Array<Record<string, unknown>>, type: 'notify' | 'append' = 'notify'): Promise<void> {
  await h.feed({ type: 'messages.upsert', data: { type, messages } });
  await h.services.groups.idle();
}
