import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MessageTemplate } from './message-template.entity.ts';

/** `template_buttons`: call / URL / quick-reply buttons of a template. */
export const TemplateButton = defineEntity({
  name: 'TemplateButton',
  tableName: 'template_buttons',
  properties: {
    buttonId: p.uuid().primary().onCreate(() => randomUUID()),
    template: () => p.manyToOne(MessageTemplate).fieldName('template_id').deleteRule('cascade').index('idx_template_buttons'),
    buttonText: p.string().length(255),
    buttonType: p.enum(['call_phone_number', 'visit_website', 'quick_reply'] as const),
    buttonValue: p.string().length(500).nullable(),
    buttonOrder: p.integer().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
});
export type ITemplateButton = InferEntity<typeof TemplateButton>;
