import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const CHANNEL_TYPES = ['whatsapp', 'sms', 'telegram', 'email', 'web', 'instagram', 'facebook'] as const;

/** `message_channels`: the platforms a message can come from or go to (seeded with the PRD's eight). */
export const MessageChannel = defineEntity({
  name: 'MessageChannel',
  tableName: 'message_channels',
  properties: {
    channelId: p.integer().primary().autoincrement(),
    channelName: p.string().length(100).unique(),
    channelType: p.enum(CHANNEL_TYPES),
    description: p.text().nullable(),
    apiEndpoint: p.string().length(500).nullable(),
    isActive: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IMessageChannel = InferEntity<typeof MessageChannel>;
