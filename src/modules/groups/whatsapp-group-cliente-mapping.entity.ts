import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { WhatsappGroup } from './whatsapp-group.entity.ts';

/** `whatsapp_group_cliente_mapping`: which groups belong to / target which client. */
export const WhatsappGroupClienteMapping = defineEntity({
  name: 'WhatsappGroupClienteMapping',
  tableName: 'whatsapp_group_cliente_mapping',
  properties: {
    mappingId: p.uuid().primary().onCreate(() => randomUUID()),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index('idx_client_groups'),
    group: () => p.manyToOne(WhatsappGroup).fieldName('group_id').deleteRule('cascade'),
    relationshipType: p.enum(['owner', 'member', 'target_audience', 'support_group'] as const),
    purpose: p.string().length(255).nullable(),
    messageCount: p.integer().default(0),
    lastMessageDate: p.datetime().nullable(),
    isPrimary: p.boolean().default(false),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'unique_mapping', properties: ['cliente', 'group'] }],
});
export type IWhatsappGroupClienteMapping = InferEntity<typeof WhatsappGroupClienteMapping>;
