import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { IUsuario } from '../identity/usuario.entity.ts';
import { ConversationLog, type IConversationLog } from '../messaging/conversation-log.entity.ts';
import type { IPedido } from '../orders/pedido.entity.ts';
import { listLatestOrders } from '../orders/orders.service.ts';
import { CustomerScore, type ICustomerScore } from './customer-score.entity.ts';
import { SegmentMember } from './segment-member.entity.ts';
import { explainScores, type ScoreExplanation } from './scores.ts';
import { int, rows, type SqlCtx } from './sql.ts';

/** Everything `/cliente <telefono>` shows, read in a handful of small indexed queries. */
export interface ClientProfile {
  client: IUsuario;
  messages: IConversationLog[];
  orders: IPedido[];
  orderCount: number;
  spent: number;
  scores: ICustomerScore[];
  explanations: ScoreExplanation[];
  segments: string[];
}

export async function loadProfile(em: EntityManager, ctx: SqlCtx, client: IUsuario): Promise<ClientProfile> {
  // One after another: a unit of work's connection runs one statement at a time anyway.
  const messages = await em.find(ConversationLog, { cliente: client.id } as never, { orderBy: { date: 'desc', id: 'desc' }, limit: 5 });
  const orders = await listLatestOrders(em, client.id, 5);
  const [totals] = await rows<{ n: number | string; cents: number | string | null }>(em, sql`select count(*) as n, sum(cast(round(total * 100) as bigint)) as cents
    from pedidos where "clienteId" = ${int(client.id)} and estado <> 'cancelado'`);
  const scores = await em.find(CustomerScore, { cliente: client.id } as never);
  const explanations = await explainScores(em, ctx, client.id);
  const memberships = await em.find(SegmentMember, { cliente: client.id, isActive: true } as never, { populate: ['segment'] as never });
  return {
    client,
    messages,
    orders,
    orderCount: Number(totals?.n ?? 0),
    spent: Number(totals?.cents ?? 0) / 100,
    scores,
    explanations,
    segments: memberships.map((m) => m.segment.segmentName).sort(),
  };
}
