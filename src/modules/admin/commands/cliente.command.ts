import { clienteDatosSubcommands } from './cliente-datos.command.ts';
import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { formatNumber, t } from '../../../shared/i18n/index.ts';
import type { ClientProfile } from '../../segments/profile.ts';
import { normalizeTotal } from '../../orders/orders.service.ts';
import { defineAction, defineCommand, type SubcommandDef } from '../registry.ts';
import { zPhone } from '../args.ts';
import { fmtDate, fmtMoney } from './segment-text.ts';

/**
 * `/cliente <telefono>`: one client's profile (contact data, consent, last messages, orders,
 * scores explained from their inputs, segments). The profile is the command's default action;
 * more actions on a client (`/cliente exportar|olvidar …`) are sub-commands added to the list
 * below — a first word that names a sub-command runs it, anything else is taken as a phone.
 */

const SCORE_NAMES: Record<string, string> = {
  engagement: t('clients.score.engagement'), loyalty: t('clients.score.loyalty'), purchase_propensity: t('clients.score.purchase_propensity'),
  churn_risk: t('clients.score.churn_risk'), lifetime_value: t('clients.score.lifetime_value'),
};

const INPUT_NAMES: Record<string, string> = {
  mensajes_30d: t('clients.input.mensajes_30d'), dias_desde_ultimo_mensaje: t('clients.input.dias_desde_ultimo_mensaje'), enviados_90d: t('clients.input.enviados_90d'),
  respondidos_90d: t('clients.input.respondidos_90d'), pedidos: t('clients.input.pedidos'), pedidos_12m: t('clients.input.pedidos_12m'), gastado: t('clients.input.gastado'),
  dias_desde_ultimo_pedido: t('clients.input.dias_desde_ultimo_pedido'), dias_como_cliente: t('clients.input.dias_como_cliente'),
};

/** Marketing consent as recorded (issue 8): unknown until granted or revoked, with its source. */
function consentText(c: ClientProfile['client']): string {
  if (c.marketingConsent === 'granted') {
    return t('clients.profile.consent_yes', { since: c.consentAt ? ` (${fmtDate(c.consentAt)}${c.consentSource ? `, ${c.consentSource}` : ''})` : '' });
  }
  if (c.marketingConsent === 'revoked') return t('clients.profile.consent_no', { since: fmtDate(c.optOutAt) });
  return t('clients.profile.consent_unknown');
}

export function renderProfile(p: ClientProfile): string {
  const c = p.client;
  const none = t('segments.explain.none');
  const out = [
    t('clients.profile.title', { name: c.nombre ?? none, phone: c.phoneNumber }),
    t('clients.profile.contact', { type: c.userType, email: c.email ?? none, location: [c.location, c.region].filter(Boolean).join(' / ') || none, birth: c.birthDate ? String(c.birthDate) : none, created: fmtDate(c.createdAt) }),
    t('clients.profile.consent', { state: consentText(c) }),
  ];
  if (p.messages.length) {
    out.push(t('clients.profile.messages'));
    for (const m of p.messages) out.push(t('clients.profile.message_line', { date: fmtDate(m.date), dir: m.messageDirection === 'inbound' ? '⬅️' : '➡️', body: (m.body ?? `[${m.messageType}]`).replace(/\s+/g, ' ').slice(0, 80) }));
  } else out.push(t('clients.profile.no_messages'));
  if (p.orders.length) {
    out.push(t('clients.profile.orders', { count: p.orderCount, spent: fmtMoney(p.spent) }));
    for (const o of p.orders) out.push(t('clients.profile.order_line', { id: o.id, date: fmtDate(o.createdAt), total: normalizeTotal(String(o.total)) ?? String(o.total), currency: o.currency, estado: o.estado }));
  } else out.push(t('clients.profile.no_orders'));
  if (p.scores.length) {
    const when = p.scores.map((s) => s.lastCalculated).filter(Boolean).sort().pop();
    out.push(t('clients.profile.scores', { when: fmtDate(when as Date | undefined) }));
    const inputs = p.explanations[0]?.inputs ?? {};
    out.push(t('clients.profile.inputs', { inputs: Object.entries(inputs).map(([k, v]) => `${INPUT_NAMES[k] ?? k} ${v === null ? none : formatNumber(v)}`).join(' · ') }));
    for (const ex of p.explanations) {
      const stored = p.scores.find((s) => s.scoreType === ex.score);
      if (!stored) continue;
      out.push(t('clients.profile.score_line', { score: SCORE_NAMES[ex.score] ?? ex.score, value: formatNumber(Number(stored.scoreValue ?? 0)), percentile: stored.scorePercentile ?? 0 }));
      for (const term of ex.terms) out.push(t('clients.profile.term_line', { label: term.label, factor: formatNumber(Math.round(term.factor * 100) / 100), weight: term.weight, points: formatNumber(term.points) }));
    }
  } else out.push(t('clients.profile.no_scores'));
  out.push(p.segments.length ? t('clients.profile.segments', { list: p.segments.join(', ') }) : t('clients.profile.no_segments'));
  return out.join('\n');
}

/** Data rights on a client (issue 13): export, erasure, legal hold. */
const clienteSubcommands: Array<SubcommandDef<any>> = [...clienteDatosSubcommands];

export const clienteCommand = defineCommand({
  name: 'cliente',
  aliases: ['clientes', 'client', 'ficha'],
  description: 'Ficha de un cliente: datos, consentimiento, mensajes, pedidos, puntuaciones y segmentos',
  action: defineAction({
    description: 'Ficha completa de un cliente, con cada puntuación explicada',
    permission: 'clients.read',
    params: ['telefono'],
    args: z.object({ telefono: zPhone }).strict(),
    usage: '/cliente <telefono>',
    examples: ['/cliente +34600000001'],
    async run({ em, args, services, now }) {
      return [text(renderProfile(await services.segments.profile(em, args.telefono, now)))];
    },
  }),
  subcommands: clienteSubcommands,
});
