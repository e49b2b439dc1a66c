import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { Campaign } from '../campaigns/campaign.entity.ts';
import { MessageTemplate } from './message-template.entity.ts';

/** `template_usage_log`: every message sent with a template. */
export const TemplateUsageLog = defineEntity({
  name: 'TemplateUsageLog',
  tableName: 'template_usage_log',
  properties: {
    usageId: p.uuid().primary().onCreate(() => randomUUID()),
    template: () => p.manyToOne(MessageTemplate).fieldName('template_id').deleteRule('cascade').index(false),
    campaign: () => p.manyToOne(Campaign).fieldName('campaign_id').nullable().index('idx_template_campaign'),
    messageId: p.string().length(255).nullable().index('idx_template_usage_message'),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').nullable(),
    usageTimestamp: p.datetime().nullable(),
    status: p.enum(['sent', 'delivered', 'read', 'failed'] as const).default('sent'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  indexes: [{ name: 'idx_template_usage', properties: ['template', 'usageTimestamp'] }],
});
export type ITemplateUsageLog = InferEntity<typeof TemplateUsageLog>;
