import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

export const ORDER_STATES = ['pendiente', 'confirmado', 'enviado', 'entregado', 'cancelado'] as const;

/** `pedidos`: customer orders. The FK column keeps the legacy camelCase name `clienteId`. */
export const Pedido = defineEntity({
  name: 'Pedido',
  tableName: 'pedidos',
  properties: {
    id: p.integer().primary().autoincrement(),
    cliente: () => p.manyToOne(Usuario).fieldName('clienteId').index(false),
    estado: p.enum(ORDER_STATES).default('pendiente'),
    /** DECIMAL(12,2), as a string to keep cents exact. */
    total: p.decimal().precision(12).scale(2),
    currency: p.string().length(3).default('EUR'),
    externalRef: p.string().length(100).nullable().unique('pedidos_external_ref_unique'),
    notes: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'idx_pedidos_cliente', properties: ['cliente', 'createdAt'] }],
});
export type IPedido = InferEntity<typeof Pedido>;
