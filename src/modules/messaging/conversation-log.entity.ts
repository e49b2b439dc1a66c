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
 * Where answering an inbound message stands (src/modules/messaging/replies.ts): `pending` until
 * something takes it, `claimed` while flows run, `running` while a slash command executes,
 * `replying` once a command's replies are stored and being sent, `done` when every reply left.
 * NULL: nothing to answer (our own messages, history, reactions, group messages…).
 */
export const REPLY_STATES = ['pending', 'claimed', 'running', 'replying', 'done'] as const;
export type ReplyState = (typeof REPLY_STATES)[number];

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
    /** The body's full length in characters when it was longer than what is stored (see storable.ts). */
    bodyLength: p.integer().nullable(),
    messageType: p.enum(MESSAGE_TYPES).default('text'),
    /** Provider message id (WhatsApp key id / Meta wamid). */
    messageId: p.string().length(255).unique(),
    remoteJid: p.string().length(255).nullable(),
    channel: () => p.manyToOne(MessageChannel).fieldName('channel_id').nullable().index(false),
    platformOrigin: p.string().length(50).nullable(),
    /**
     * Which of our numbers the message came in on or went out from: the Cloud API phone number
     * id (`metadata.phone_number_id`), or the Baileys account's phone digits. Replies and the
     * 24-hour window are per client and business number.
     */
    businessNumberId: p.string().length(50).nullable(),
    smsGatewayProvider: p.string().length(100).nullable(),
    messageDirection: p.enum(['inbound', 'outbound'] as const).default('inbound'),
    origin: p.enum(MESSAGE_ORIGINS).nullable(),
    deliveryStatus: p.enum(DELIVERY_STATUSES).nullable(),
    statusUpdatedAt: p.datetime().nullable(),
    failureReason: p.text().nullable(),
    quotedMessageId: p.string().length(255).nullable(),
    campaign: () => p.manyToOne(Campaign).fieldName('campaign_id').nullable().index('idx_conv_campaign'),
    raw: p.json<unknown>().nullable(),
    /** One of REPLY_STATES (a plain column: SQLite adds it without rebuilding this large table). */
    replyState: p.string().length(16).$type<ReplyState>().nullable(),
    /** When the current claim on answering it was taken (wall clock; a lease for crashed workers). */
    replyClaimedAt: p.datetime().nullable(),
    /** For our replies: the inbound message they answer (their id is derived from it). */
    replyTo: p.string().length(255).nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  indexes: [
    { name: 'idx_conv_date', properties: ['date'] },
    { name: 'idx_conv_client', properties: ['from', 'date'] },
    { name: 'idx_channel_date', properties: ['channel', 'date'] },
    // A client's timeline, and every per-client statistic of segments and scores (counts, last
    // message, response rate, preferred channel) read from the index alone, in (client, date, id) order.
    { name: 'idx_conv_cliente', properties: ['cliente', 'date', 'id', 'messageDirection', 'channel'] },
    { name: 'idx_conv_reply_state', properties: ['replyState', 'date'] },
    // Reports (issue 12): distinct users per channel over a range, answered from the index alone.
    { name: 'idx_conv_channel_user', properties: ['channel', 'date', 'from'] },
  ],
});
export type IConversationLog = InferEntity<typeof ConversationLog>;
