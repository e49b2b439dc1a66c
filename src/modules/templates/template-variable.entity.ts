import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MessageTemplate } from './message-template.entity.ts';

/** `template_variables`: the {{n}} placeholders of a template. */
export const TemplateVariable = defineEntity({
  name: 'TemplateVariable',
  tableName: 'template_variables',
  properties: {
    variableId: p.uuid().primary().onCreate(() => randomUUID()),
    template: () => p.manyToOne(MessageTemplate).fieldName('template_id').deleteRule('cascade').index('idx_variable_template'),
    variableName: p.string().length(100).nullable(),
    variablePlaceholder: p.string().length(100).nullable(),
    variableType: p.enum(['text', 'phone', 'email', 'url', 'datetime'] as const),
    isRequired: p.boolean().default(true),
    exampleValue: p.string().length(255).nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
});
export type ITemplateVariable = InferEntity<typeof TemplateVariable>;
