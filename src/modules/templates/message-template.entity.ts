import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

export const TEMPLATE_CATEGORIES = ['marketing', 'transactional', 'support', 'notification'] as const;
export const TEMPLATE_STATUSES = ['draft', 'pending_approval', 'approved', 'rejected', 'archived'] as const;
export const META_APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'disabled'] as const;

/** `message_templates`: WhatsApp/Meta message templates and their approval state. */
export const MessageTemplate = defineEntity({
  name: 'MessageTemplate',
  tableName: 'message_templates',
  properties: {
    templateId: p.uuid().primary().onCreate(() => randomUUID()),
    templateName: p.string().length(255).unique(),
    templateCategory: p.enum(TEMPLATE_CATEGORIES),
    languageCode: p.string().length(10).default('es_ES'),
    metaTemplateName: p.string().length(255).nullable().index('idx_template_meta'),
    metaTemplateId: p.string().length(255).nullable(),
    status: p.enum(TEMPLATE_STATUSES).default('draft').index('idx_template_status'),
    approvalStatusMeta: p.enum(META_APPROVAL_STATUSES).default('pending'),
    rejectionReason: p.text().nullable(),
    headerType: p.enum(['text', 'image', 'video', 'document'] as const).default('text'),
    headerContent: p.text().nullable(),
    bodyText: p.text(),
    footerText: p.text().nullable(),
    createdByUser: () => p.manyToOne(Usuario).fieldName('created_by_user_id'),
    approvedByUser: () => p.manyToOne(Usuario).fieldName('approved_by_user_id').nullable(),
    approvalDate: p.datetime().nullable(),
    metaResponseData: p.json<unknown>().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IMessageTemplate = InferEntity<typeof MessageTemplate>;
