import type { EntityManager } from '@mikro-orm/sql';
import { createRng, pick, type Rng } from '../../helpers/fuzz.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { MessageChannel } from '../../../src/modules/messaging/message-channel.entity.ts';
import { Pedido } from '../../../src/modules/orders/pedido.entity.ts';
import { CustomerScore, SCORE_TYPES } from '../../../src/modules/segments/customer-score.entity.ts';
import { USER_TYPES, type Criteria } from '../../../src/modules/segments/criteria.ts';
import type { World } from './oracle.ts';

/** Random clients, messages, orders and scores (seeded), written to a database and kept as arrays. */

const DAY = 86_400_000;
export const NOW = new Date('2026-11-30T12:00:00.000Z');
export const TODAY = '2026-11-30';

const LOCATIONS = [null, 'Madrid', 'madrid centro', 'Barcelona', 'Sevilla', 'MÁLAGA', 'Alcalá de Henares'];
const REGIONS = [null, 'Comunidad de Madrid', 'Cataluña', 'Andalucía'];
const STATES = ['pendiente', 'confirmado', 'enviado', 'entregado', 'cancelado'] as const;

/** A past instant: often exactly on a window's edge (30, 90, 365 days), where off-by-one bugs live. */
function when(r: Rng): Date {
  if (r() < 0.15) return new Date(NOW.getTime() - pick(r, [1, 7, 30, 60, 90, 180, 365]) * DAY + pick(r, [-1, 0, 1]));
  return new Date(NOW.getTime() - Math.floor(r() * 400 * DAY));
}

function birth(r: Rng): string | null {
  if (r() < 0.2) return null;
  // Around birthdays too: ages flip exactly on the day.
  const age = Math.floor(r() * 80);
  if (r() < 0.3) return `${2026 - age}-11-${pick(r, ['29', '30'])}`;
  if (r() < 0.05) return `${pick(r, [1996, 2000, 2004])}-02-29`;
  const d = new Date(Date.UTC(2026 - age, Math.floor(r() * 12), 1 + Math.floor(r() * 28)));
  return d.toISOString().slice(0, 10);
}

export async function buildWorld(em: EntityManager, seed: number, clients = 40): Promise<World> {
  const r = createRng(seed);
  const channels = await em.find(MessageChannel, {});
  const world: World = { now: NOW, today: TODAY, users: [], messages: [], orders: [], scores: [] };
  const created: Array<{ id: number; userType: string; location?: string | null; region?: string | null; birthDate?: unknown }> = [];
  for (let i = 0; i < clients; i++) {
    const u = em.create(Usuario, {
      phoneNumber: `3461${seed % 1000}${String(i).padStart(5, '0')}`,
      userType: r() < 0.85 ? 'client' : pick(r, USER_TYPES),
      location: pick(r, LOCATIONS), region: pick(r, REGIONS), birthDate: birth(r),
      createdAt: new Date(NOW.getTime() - Math.floor(r() * 900 * DAY)),
    } as never);
    created.push(u);
  }
  await em.flush();
  for (const u of created) world.users.push({ id: u.id, userType: u.userType, location: u.location ?? null, region: u.region ?? null, birthDate: u.birthDate ? String(u.birthDate) : null });
  let msgN = 0;
  const pending: Array<[{ id: number }, World['messages'][number]]> = [];
  for (const u of world.users) {
    const n = Math.floor(r() * r() * 25);
    for (let k = 0; k < n; k++) {
      const ch = r() < 0.1 ? null : pick(r, channels);
      const date = r() < 0.2 && world.messages.length ? world.messages[world.messages.length - 1]!.date : when(r);
      const direction = r() < 0.55 ? 'inbound' : 'outbound';
      const row = em.create(ConversationLog, { from: `${u.id}`, cliente: u.id, date, messageId: `W${seed}-${msgN++}`, channel: ch, messageDirection: direction, body: 'x' } as never);
      pending.push([row, { id: 0, clienteId: u.id, date, direction, channelType: ch?.channelType ?? null }]);
    }
    const orders = Math.floor(r() * r() * 10);
    for (let k = 0; k < orders; k++) {
      const total = pick(r, ['0.00', '9.99', '10.50', '100.00', '125.25', '49.90', '250.75']);
      const estado = pick(r, STATES);
      const createdAt = when(r);
      em.create(Pedido, { cliente: u.id, total, estado, createdAt } as never);
      world.orders.push({ clienteId: u.id, total, estado, createdAt });
    }
    for (const type of SCORE_TYPES) {
      if (r() < 0.3) continue;
      const value = Math.round(r() * 10000) / 100;
      em.create(CustomerScore, { cliente: u.id, scoreType: type, scoreValue: value.toFixed(2) } as never);
      world.scores.push({ clienteId: u.id, type, value });
    }
  }
  await em.flush();
  for (const [row, m] of pending) world.messages.push({ ...m, id: row.id });
  return world;
}

function leafGroup(r: Rng): Criteria {
  switch (Math.floor(r() * 5)) {
    case 0: {
      const d: Record<string, unknown> = {};
      if (r() < 0.5) d.location = pick(r, ['mad', 'Madrid', 'BARCELONA', 'sev', 'cataluña', 'MÁLAGA', 'x']);
      if (r() < 0.5) {
        const a = Math.floor(r() * 60);
        d.age_range = r() < 0.2 ? `${a}+` : `${a}-${a + Math.floor(r() * 40)}`;
      }
      if (r() < 0.4 || !Object.keys(d).length) d.user_type = pick(r, USER_TYPES);
      return { demographic: d };
    }
    case 1: {
      const b: Record<string, unknown> = {};
      if (r() < 0.5) b.purchase_frequency = pick(r, ['high', 'medium', 'low']);
      if (r() < 0.5) b.engagement_level = pick(r, ['active', 'moderate', 'inactive']);
      if (r() < 0.4 || !Object.keys(b).length) b.preferred_channel = pick(r, ['whatsapp', 'sms', 'email', 'web']);
      return { behavioral: b };
    }
    case 2: {
      const e: Record<string, unknown> = {};
      if (r() < 0.5) e.last_interaction_days = pick(r, [1, 7, 30, 60, 90, 365]);
      if (r() < 0.5) e.message_count_threshold = Math.floor(r() * 8);
      if (r() < 0.4 || !Object.keys(e).length) e.response_rate_min = pick(r, [0, 0.25, 0.5, 0.6, 1]);
      return { engagement: e };
    }
    case 3: {
      const t: Record<string, unknown> = {};
      if (r() < 0.5) t.total_purchases = Math.floor(r() * 6);
      if (r() < 0.5) t.total_spent = pick(r, [0, 9.99, 100, 250.75, 500]);
      if (r() < 0.4 || !Object.keys(t).length) t.last_purchase_days = pick(r, [7, 30, 60, 365]);
      return { transactional: t };
    }
    default: {
      const lo = Math.round(r() * 6000) / 100;
      return { score: { [pick(r, SCORE_TYPES)]: r() < 0.5 ? { min: lo } : { min: lo, max: lo + Math.round(r() * 4000) / 100 } } };
    }
  }
}

/** A random valid criteria tree: groups merged, sometimes wrapped in all/any/not. */
export function randomCriteria(r: Rng, depth = 0): Criteria {
  const out: Criteria = {};
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) Object.assign(out, leafGroup(r));
  if (depth < 2 && r() < 0.35) {
    const kind = pick(r, ['all', 'any', 'not'] as const);
    if (kind === 'not') out.not = randomCriteria(r, depth + 1);
    else out[kind] = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomCriteria(r, depth + 1));
  }
  return out;
}
