import type { Criteria, ScoreType } from '../../../src/modules/segments/criteria.ts';

/**
 * A brute-force evaluation of the README's criteria definitions over plain arrays, written
 * independently of the SQL compiler (no shared helpers beyond the types), for the property test.
 */

export interface OUser { id: number; userType: string; location: string | null; region: string | null; birthDate: string | null }
export interface OMessage { id: number; clienteId: number; date: Date; direction: 'inbound' | 'outbound'; channelType: string | null }
export interface OOrder { clienteId: number; total: string; estado: string; createdAt: Date }
export interface OScore { clienteId: number; type: ScoreType; value: number | null }
export interface World { now: Date; today: string; users: OUser[]; messages: OMessage[]; orders: OOrder[]; scores: OScore[] }

const DAY = 86_400_000;
const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function yearsBack(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const yy = y - years;
  const leap = (yy % 4 === 0 && yy % 100 !== 0) || yy % 400 === 0;
  return `${String(yy).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(m === 2 && d === 29 && !leap ? 28 : d).padStart(2, '0')}`;
}

export function evaluate(w: World, c: Criteria): Set<number> {
  const now = w.now.getTime();
  const since = (days: number) => now - days * DAY;
  const stats = new Map<number, { inAll: number; in30: number; lastIn: number | null; outb: number; answered: number; channel: string | null; n: number; cents: number; lastOrder: number | null; n365: number }>();
  for (const u of w.users) {
    const mine = w.messages.filter((m) => m.clienteId === u.id);
    const inbound = mine.filter((m) => m.direction === 'inbound');
    const win = mine.filter((m) => m.date.getTime() >= since(90)).sort((a, b) => a.date.getTime() - b.date.getTime() || a.id - b.id);
    let outb = 0;
    let answered = 0;
    win.forEach((m, i) => {
      if (m.direction !== 'outbound') return;
      outb++;
      if (win[i + 1]?.direction === 'inbound') answered++;
    });
    const perChannel = new Map<string, number>();
    for (const m of inbound) if (m.channelType) perChannel.set(m.channelType, (perChannel.get(m.channelType) ?? 0) + 1);
    const channel = [...perChannel.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
    const orders = w.orders.filter((o) => o.clienteId === u.id && o.estado !== 'cancelado');
    stats.set(u.id, {
      inAll: inbound.length,
      in30: inbound.filter((m) => m.date.getTime() >= since(30)).length,
      lastIn: inbound.length ? Math.max(...inbound.map((m) => m.date.getTime())) : null,
      outb,
      answered,
      channel,
      n: orders.length,
      cents: orders.reduce((a, o) => a + Math.round(Number(o.total) * 100), 0),
      lastOrder: orders.length ? Math.max(...orders.map((o) => o.createdAt.getTime())) : null,
      n365: orders.filter((o) => o.createdAt.getTime() >= since(365)).length,
    });
  }

  const test = (u: OUser, c: Criteria): boolean => {
    const s = stats.get(u.id)!;
    const checks: boolean[] = [];
    const d = c.demographic;
    if (d?.location !== undefined) {
      const needle = lower(d.location.trim());
      checks.push((u.location !== null && lower(u.location).includes(needle)) || (u.region !== null && lower(u.region).includes(needle)));
    }
    if (d?.age_range !== undefined) {
      const [a, b] = d.age_range.includes('+') ? [Number(d.age_range.replace('+', '').trim()), null] : d.age_range.split('-').map((x) => Number(x.trim()));
      checks.push(u.birthDate !== null && u.birthDate <= yearsBack(w.today, a!) && (b === null || b === undefined || u.birthDate > yearsBack(w.today, b + 1)));
    }
    if (d?.user_type !== undefined) checks.push(u.userType === d.user_type);
    const b = c.behavioral;
    if (b?.purchase_frequency) checks.push(b.purchase_frequency === (s.n365 >= 6 ? 'high' : s.n365 >= 2 ? 'medium' : 'low'));
    if (b?.engagement_level) checks.push(b.engagement_level === (s.in30 >= 5 ? 'active' : s.in30 >= 1 ? 'moderate' : 'inactive'));
    if (b?.preferred_channel) checks.push(s.channel === b.preferred_channel);
    const e = c.engagement;
    if (e?.last_interaction_days !== undefined) checks.push(s.lastIn !== null && s.lastIn >= since(e.last_interaction_days));
    if (e?.message_count_threshold !== undefined) checks.push(s.inAll >= e.message_count_threshold);
    if (e?.response_rate_min !== undefined) checks.push(s.outb > 0 && s.answered >= e.response_rate_min * s.outb);
    const tr = c.transactional;
    if (tr?.total_purchases !== undefined) checks.push(s.n >= tr.total_purchases);
    if (tr?.total_spent !== undefined) checks.push(s.cents >= Math.round(tr.total_spent * 100));
    if (tr?.last_purchase_days !== undefined) checks.push(s.lastOrder !== null && s.lastOrder >= since(tr.last_purchase_days));
    for (const [type, range] of Object.entries(c.score ?? {})) {
      if (!range) continue;
      const v = w.scores.find((x) => x.clienteId === u.id && x.type === type)?.value ?? null;
      checks.push(v !== null && (range.min === undefined || v >= range.min) && (range.max === undefined || v <= range.max));
    }
    if (c.all) checks.push(c.all.every((x) => test(u, x)));
    if (c.any) checks.push(c.any.some((x) => test(u, x)));
    if (c.not) checks.push(!test(u, c.not));
    return checks.every(Boolean);
  };
  return new Set(w.users.filter((u) => test(u, c)).map((u) => u.id));
}
