import type { FastifyInstance } from 'fastify';
import { ORDER_STATES, type IPedido } from '../../modules/orders/pedido.entity.ts';
import { recordOrder } from '../../modules/orders/orders.service.ts';
import { errorRef, noQuery, nullableDateTime, nullableString, protectedErrors } from '../schemas.ts';
import { auditApi, bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/** POST /api/pedidos: a shop or POS records an order; idempotent on external_ref. */

const orderSchema = {
  type: 'object',
  properties: {
    pedido: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        cliente_id: { type: 'integer' },
        phone: { type: 'string' },
        estado: { type: 'string' },
        total: { type: 'string' },
        currency: { type: 'string' },
        external_ref: nullableString,
        notes: nullableString,
        created_at: nullableDateTime,
      },
    },
    created: { type: 'boolean' },
    client_created: { type: 'boolean' },
  },
} as const;

interface OrderBody {
  phone: string;
  total: string | number;
  currency?: string;
  estado?: IPedido['estado'];
  external_ref?: string;
  notes?: string;
  nombre?: string;
}

export async function orderRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services } = opts;

  app.post('/pedidos', {
    ...protect(guards, 'orders.create'),
    schema: {
      tags: ['orders'], summary: 'Registrar un pedido de un cliente (crea el cliente si es nuevo)', security: bearer, querystring: noQuery,
      body: {
        type: 'object',
        properties: {
          phone: { type: 'string', minLength: 6, maxLength: 32 },
          total: { anyOf: [{ type: 'string', maxLength: 20 }, { type: 'number', minimum: 0, maximum: 9_999_999_999.99 }] },
          currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
          estado: { type: 'string', enum: [...ORDER_STATES] },
          external_ref: { type: 'string', minLength: 1, maxLength: 100 },
          notes: { type: 'string', maxLength: 2000 },
          nombre: { type: 'string', maxLength: 255 },
        },
        required: ['phone', 'total'],
        additionalProperties: false,
      },
      response: { 200: orderSchema, 201: orderSchema, ...protectedErrors, 409: errorRef },
    },
  }, async (req, reply) => {
    const body = req.body as OrderBody;
    const em = emOf(orm);
    const res = await recordOrder(em, {
      phone: body.phone,
      total: body.total,
      currency: body.currency,
      estado: body.estado,
      externalRef: body.external_ref,
      notes: body.notes,
      nombre: body.nombre,
    });
    const o = res.order;
    if (res.created) {
      await auditApi(services, em, guards.caller(req), 'orders.create', String(o.id), { externalRef: o.externalRef ?? null, clientCreated: res.clientCreated });
    }
    reply.status(res.created ? 201 : 200);
    return {
      pedido: {
        id: o.id,
        cliente_id: o.cliente.id,
        phone: o.cliente.phoneNumber,
        estado: o.estado,
        total: String(o.total),
        currency: o.currency,
        external_ref: o.externalRef ?? null,
        notes: o.notes ?? null,
        created_at: iso(o.createdAt),
      },
      created: res.created,
      client_created: res.clientCreated,
    };
  });
}
