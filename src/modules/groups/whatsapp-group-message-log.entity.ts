import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { WhatsappGroup } from './whatsapp-group.entity.ts';

/** `whatsapp_group_messages_log`: messages seen in groups, keyed by the provider message id. */
export const WhatsappGroupMessageLog = defineEntity({
  name: 'WhatsappGroupMessageLog',
  tableName: 'whatsapp_group_messages_log',
  properties: {
    messageId: p.string().length(255).primary(),
    group: () => p.manyToOne(WhatsappGroup).fieldName('group_id').deleteRule('cascade').index(false),
    senderPhoneNumber: p.string().length(20).nullable().index('idx_sender_messages'),
    senderName: p.string().length(255).nullable(),
    messageBody: p.text().nullable(),
    messageType: p.enum(['text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction'] as const),
    mediaUrl: p.string().length(500).nullable(),
    isBotMessage: p.boolean().default(false),
    messageTimestamp: p.datetime().nullable(),
    /**
     * Already added to the client mappings' `message_count` / `last_message_date` (groups
     * module). Flipped once, in the same transaction as the increment, so a redelivered message
     * or a second pass never counts twice.
     */
    mappingCounted: p.boolean().default(false),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  indexes: [
    { name: 'idx_group_messages', properties: ['group', 'messageTimestamp'] },
    { name: 'idx_group_messages_uncounted', properties: ['mappingCounted', 'group'] },
  ],
});
export type IWhatsappGroupMessageLog = InferEntity<typeof WhatsappGroupMessageLog>;
