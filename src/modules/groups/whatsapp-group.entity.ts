import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

/** `whatsapp_groups`: the WhatsApp groups the bot is in. `group_id` holds the group JID too. */
export const WhatsappGroup = defineEntity({
  name: 'WhatsappGroup',
  tableName: 'whatsapp_groups',
  properties: {
    groupId: p.string().length(255).primary(),
    groupName: p.string().length(255),
    groupJid: p.string().length(255).unique(),
    groupSubjectTimestamp: p.datetime().nullable(),
    groupDescription: p.text().nullable(),
    groupProfilePictureUrl: p.string().length(500).nullable(),
    groupCreationDate: p.datetime().nullable(),
    /**
     * FK → usuarios.phoneNumber (a unique non-PK column), as the PRD asks: the owner must be a known
     * usuario (or null). It follows a phone-number change and is cleared if the usuario is deleted.
     */
    owner: () =>
      p.manyToOne(Usuario)
        .targetKey('phoneNumber')
        .fieldName('owner_phone_number')
        .nullable()
        .updateRule('cascade')
        .deleteRule('set null')
        .index('idx_group_owner'),
    totalMembers: p.integer().nullable(),
    isActive: p.boolean().default(true),
    parentCliente: () => p.manyToOne(Usuario).fieldName('parent_cliente_id').nullable().index('idx_group_client'),
    syncStatus: p.enum(['synced', 'pending', 'failed'] as const).default('pending'),
    lastSync: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'idx_group_active', properties: ['isActive', 'parentCliente'] }],
});
export type IWhatsappGroup = InferEntity<typeof WhatsappGroup>;
