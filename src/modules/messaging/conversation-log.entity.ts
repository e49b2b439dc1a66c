import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { Campaign } from '../campaigns/campaign.entity.ts';
import { MessageChannel } from './message-channel.entity.ts';

export const MESSAGE_TYPES = [
  'text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction', 'location', 'contact', 'poll',
  'interactive', 'button', 'template', 'system', 'unknown',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const MESSAGE_ORIGINS = ['customer', 'bot', 'flow', 'staff_phone', 'campaign', 'command', 'api'] as const;
export const DELIVERY_STATUSES = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;

/**
 * `conversations_log`: every 1:1 message, both directions. `from` is always the customer's phone
 * digits (the counterpart of the conversation), whichever side sent the message.
 */
export const ConversationLog = defineEntity({
  name: 'ConversationLog',
  tableName: 'conversations_log',
  properties: {
    id: p.integer().primary().autoincrement(),
    from: p.string().length(50).fieldName('from'),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').nullable().index(false),
    date: p.datetime().fieldName('date'),
    body: p.text().nullable(),
    messageType: p.enum(MESSAGE_TYPES).default('text'),
    /** Provider message id (WhatsApp key id / Meta wamid). */
    messageId: p.string().length(255).unique(),
    remoteJid: p.string().length(255).nullable(),
    channel: () => p.manyToOne(MessageChannel).fieldName('channel_id').nullable().index(false),
    platformOrigin: p.string().length(50).nullable(),
    smsGatewayProvider: p.string().length(100).nullable(),
    messageDirection: p.enum(['inbound', 'outbound'] as const).default('inbound'),
    origin: p.enum(MESSAGE_ORIGINS).nullable(),
    deliveryStatus: p.enum(DELIVERY_STATUSES).nullable(),
    statusUpdatedAt: p.datetime().nullable(),
    failureReason: p.text().nullable(),
    quotedMessageId: p.string().length(255).nullable(),
    campaign: () => p.manyToOne(Campaign).fieldName('campaign_id').nullable().index('idx_conv_campaign'),
    raw: p.json<unknown>().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  indexes: [
    { name: 'idx_conv_date', properties: ['date'] },
    { name: 'idx_conv_client', properties: ['from', 'date'] },
    { name: 'idx_channel_date', properties: ['channel', 'date'] },
    { name: 'idx_conv_cliente', properties: ['cliente', 'date'] },
    // Reports (issue 12): distinct users per channel over a range, answered from the index alone.
    { name: 'idx_conv_channel_user', properties: ['channel', 'date', 'from'] },
  ],
});
export type IConversationLog = InferEntity<typeof ConversationLog>;
