import { addKeyword } from '@builderbot/bot';
import { t } from '../src/shared/i18n/index.ts';
import type { IPedido } from '../src/modules/orders/pedido.entity.ts';
import { customerRef, step, withWelcome, type FlowDeps } from './context.ts';
import { exactly, ORDERS_WORDS } from './keywords.ts';

/** Menu option 2, "mis pedidos": the latest orders, one line each. */
export function createOrdersFlow(deps: FlowDeps) {
  const date = new Intl.DateTimeFormat('es-ES', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: deps.timeZone });
  const money = new Intl.NumberFormat('es-ES', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const line = (p: IPedido) =>
    t('flows.orders_line', {
      id: String(p.id),
      date: date.format(new Date(p.createdAt)),
      total: money.format(Number(p.total)),
      currency: p.currency,
      estado: t(`flows.order_state.${p.estado}`),
    });
  return addKeyword(exactly(ORDERS_WORDS), { regex: true }).addAction(
    step(deps, 'orders', async (ctx, say) => {
      const orders = await deps.customers.latestOrders(customerRef(ctx), 5);
      if (!orders?.length) return say(withWelcome(ctx, [t('flows.orders_none')]));
      await say(withWelcome(ctx, [[t('flows.orders_header'), ...orders.map(line), '', t('flows.orders_footer')].join('\n')]));
    }),
  );
}
