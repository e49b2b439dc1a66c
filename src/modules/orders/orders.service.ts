import type { EntityManager } from '@mikro-orm/sql';
import { Pedido, type IPedido } from './pedido.entity.ts';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ensureUser } from '../identity/identity.service.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';

/** What "mis pedidos" needs: a customer's latest orders, newest first. */
export async function listLatestOrders(em: EntityManager, clienteId: number, limit = 5): Promise<IPedido[]> {
  return em.find(Pedido, { cliente: clienteId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit });
}

// --- Recording orders from a shop or POS (POST /api/pedidos) ---------------------------------

export interface RecordOrderInput {
  phone: string;
  /** Amount with up to two decimals ("49.90" or 49.9). Kept as a string: cents stay exact. */
  total: string | number;
  currency?: string;
  estado?: IPedido['estado'];
  externalRef?: string | null;
  notes?: string | null;
  /** The customer's name, used when the client is new. */
  nombre?: string | null;
  /** When the order was placed (CSV imports of past orders); default: now. */
  createdAt?: Date | null;
}

export interface RecordOrderResult {
  order: IPedido;
  created: boolean;
  clientCreated: boolean;
}

/** "49.9" → "49.90"; null when not a non-negative amount with at most two decimals. */
export function normalizeTotal(total: string | number): string | null {
  const text = typeof total === 'number' ? (Number.isFinite(total) ? String(total) : '') : total.trim().replace(',', '.');
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  return `${m[1]!.replace(/^0+(?=\d)/, '')}.${(m[2] ?? '').padEnd(2, '0')}`;
}

/**
 * Records an order for the client with that phone (created as a least-privilege client if new).
 * Idempotent on `externalRef`: a shop retrying the same order gets the first one back; the same
 * reference with another client or amount is a conflict, never a silent overwrite.
 */
export async function recordOrder(em: EntityManager, input: RecordOrderInput): Promise<RecordOrderResult> {
  const phone = normalizePhone(input.phone);
  if (!phone) throw new ValidationError(t('http.invalid_phone', { phone: input.phone }), undefined, 'INVALID_PHONE');
  const total = normalizeTotal(input.total);
  if (total === null) throw new ValidationError(t('http.invalid_total', { total: String(input.total) }), undefined, 'INVALID_TOTAL');
  const currency = (input.currency ?? 'EUR').toUpperCase();

  const existingFor = async (ref: string): Promise<RecordOrderResult | null> => {
    const prev = await em.findOne(Pedido, { externalRef: ref }, { populate: ['cliente'] });
    if (!prev) return null;
    if (prev.cliente.phoneNumber !== phone || normalizeTotal(String(prev.total)) !== total || prev.currency !== currency) {
      throw new ConflictError(t('http.order_conflict', { ref }), 'ORDER_REF_CONFLICT');
    }
    return { order: prev, created: false, clientCreated: false };
  };

  const ref = input.externalRef?.trim() || null;
  if (ref) {
    const prev = await existingFor(ref);
    if (prev) return prev;
  }
  const { user, created: clientCreated } = await ensureUser(em, phone, { nombre: input.nombre ?? null });
  const order = em.create(Pedido, {
    cliente: user,
    total,
    currency,
    estado: input.estado ?? 'pendiente',
    externalRef: ref,
    notes: input.notes ?? null,
    ...(input.createdAt ? { createdAt: input.createdAt } : {}),
  } as never) as IPedido;
  try {
    await em.flush();
  } catch (err) {
    // Two deliveries of the same order raced: the loser answers with the winner's row.
    if (ref && err instanceof UniqueConstraintViolationException) {
      em.clear();
      const prev = await existingFor(ref);
      if (prev) return prev;
    }
    throw err;
  }
  return { order, created: true, clientCreated };
}
