import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ORDER_STATES } from '../../orders/pedido.entity.ts';
import { listLatestOrders, normalizeTotal, recordOrder } from '../../orders/orders.service.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { zPhone } from '../args.ts';
import { fmtDate } from './segment-text.ts';

/** `/pedido registrar|lista`: orders typed in the chat, through the orders service (idempotent on `ref`). */

const estado = z.string().transform((v, ctx) => {
  const s = v.toLowerCase();
  if (!(ORDER_STATES as readonly string[]).includes(s)) {
    ctx.addIssue({ code: 'custom', message: t('orders.bad_state', { value: v.slice(0, 30), valid: ORDER_STATES.join(', ') }) });
    return z.NEVER;
  }
  return s as (typeof ORDER_STATES)[number];
});

export const pedidoCommand = defineCommand({
  name: 'pedido',
  aliases: ['pedidos', 'order', 'orders'],
  description: 'Registra y consulta pedidos de clientes',
  subcommands: [
    defineSubcommand({
      name: 'registrar', aliases: ['nuevo', 'add', 'crear'], description: 'Registra un pedido (crea el cliente si es nuevo; con ref= no se duplica)',
      permission: 'orders.create', params: ['telefono', 'total', 'estado'],
      args: z.object({
        telefono: zPhone, total: z.string().max(20), estado: estado.optional(),
        ref: z.string().min(1).max(100).optional(), moneda: z.string().regex(/^[A-Za-z]{3}$/).optional(), nota: z.string().max(500).optional(),
      }).strict(),
      usage: '/pedido registrar <telefono> <total> [estado] [ref=…] [moneda=EUR]',
      examples: ['/pedido registrar +34600000001 49.90', '/pedido registrar +34600000001 120 entregado ref=TPV-1043'],
      async run({ em, args, auditNotes, now }) {
        const res = await recordOrder(em, { phone: args.telefono, total: args.total, estado: args.estado, externalRef: args.ref ?? null, currency: args.moneda, notes: args.nota ?? null, createdAt: now });
        const o = res.order;
        Object.assign(auditNotes, { orderId: o.id, created: res.created });
        if (!res.created) return [text(t('orders.already', { id: o.id, ref: o.externalRef ?? '' }))];
        return [text(t('orders.recorded', { id: o.id, phone: args.telefono, total: normalizeTotal(String(o.total)) ?? String(o.total), currency: o.currency, estado: o.estado }))];
      },
    }),
    defineSubcommand({
      name: 'lista', aliases: ['list', 'ver'], description: 'Los últimos 10 pedidos de un cliente',
      permission: 'orders.read', params: ['telefono'], args: z.object({ telefono: zPhone }).strict(),
      usage: '/pedido lista <telefono>', examples: ['/pedido lista +34600000001'],
      async run({ em, args, services }) {
        const client = await services.segments.clientByPhone(em, args.telefono);
        const orders = await listLatestOrders(em, client.id, 10);
        if (!orders.length) return [text(t('orders.list.empty', { phone: client.phoneNumber }))];
        const lines = orders.map((o) => t('clients.profile.order_line', { id: o.id, date: fmtDate(o.createdAt), total: normalizeTotal(String(o.total)) ?? String(o.total), currency: o.currency, estado: o.estado }) + (o.externalRef ? ` · ref. ${o.externalRef}` : ''));
        return [text([t('orders.list.title', { phone: client.phoneNumber }), ...lines].join('\n'))];
      },
    }),
  ],
});
