import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { MessageTemplate } from './message-template.entity.ts';

/** `template_versions`: the history of a template's texts. */
export const TemplateVersion = defineEntity({
  name: 'TemplateVersion',
  tableName: 'template_versions',
  properties: {
    versionId: p.uuid().primary().onCreate(() => randomUUID()),
    template: () => p.manyToOne(MessageTemplate).fieldName('template_id').deleteRule('cascade').index(false),
    versionNumber: p.integer().nullable(),
    bodyText: p.text().nullable(),
    headerContent: p.text().nullable(),
    footerText: p.text().nullable(),
    changedByUser: () => p.manyToOne(Usuario).fieldName('changed_by_user_id').nullable(),
    changeReason: p.text().nullable(),
    /** The whole content of this version (header type, buttons, variables): what restore brings back. */
    snapshot: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  indexes: [{ name: 'idx_template_versions', properties: ['template', 'versionNumber'] }],
});
export type ITemplateVersion = InferEntity<typeof TemplateVersion>;
