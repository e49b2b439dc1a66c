import type { FastifyInstance } from 'fastify';
import { MessageTemplate, META_APPROVAL_STATUSES, TEMPLATE_CATEGORIES, TEMPLATE_STATUSES, type IMessageTemplate } from '../../modules/templates/message-template.entity.ts';
import { TemplateButton } from '../../modules/templates/template-button.entity.ts';
import { TemplateVariable } from '../../modules/templates/template-variable.entity.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { errorRef, noQuery, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors, uuidParam } from '../schemas.ts';
import { bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/** /api/templates: list and get (with variables and buttons). Read-only here; the templates module edits. */

const templateSchema = {
  type: 'object',
  properties: {
    template_id: { type: 'string' },
    template_name: { type: 'string' },
    template_category: { type: 'string' },
    language_code: { type: 'string' },
    meta_template_name: nullableString,
    meta_template_id: nullableString,
    status: { type: 'string' },
    approval_status_meta: { type: 'string' },
    rejection_reason: nullableString,
    header_type: { type: 'string' },
    header_content: nullableString,
    body_text: { type: 'string' },
    footer_text: nullableString,
    approval_date: nullableDateTime,
    created_at: nullableDateTime,
    updated_at: nullableDateTime,
    variables: {
      type: 'array',
      items: { type: 'object', properties: { name: nullableString, placeholder: nullableString, type: { type: 'string' }, required: { type: 'boolean' }, example: nullableString } },
    },
    buttons: {
      type: 'array',
      items: { type: 'object', properties: { text: { type: 'string' }, type: { type: 'string' }, value: nullableString, order: { type: ['integer', 'null'] } } },
    },
  },
} as const;

export function templateJson(tpl: IMessageTemplate) {
  return {
    template_id: tpl.templateId,
    template_name: tpl.templateName,
    template_category: tpl.templateCategory,
    language_code: tpl.languageCode,
    meta_template_name: tpl.metaTemplateName ?? null,
    meta_template_id: tpl.metaTemplateId ?? null,
    status: tpl.status,
    approval_status_meta: tpl.approvalStatusMeta,
    rejection_reason: tpl.rejectionReason ?? null,
    header_type: tpl.headerType,
    header_content: tpl.headerContent ?? null,
    body_text: tpl.bodyText,
    footer_text: tpl.footerText ?? null,
    approval_date: iso(tpl.approvalDate),
    created_at: iso(tpl.createdAt),
    updated_at: iso(tpl.updatedAt),
  };
}

export async function templateRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm } = opts;

  app.get('/templates', {
    ...protect(guards, 'templates.read'),
    schema: {
      tags: ['templates'], summary: 'Lista de plantillas', security: bearer,
      querystring: {
        type: 'object',
        properties: {
          ...paginationQuery,
          status: { type: 'string', enum: [...TEMPLATE_STATUSES] },
          approval_status_meta: { type: 'string', enum: [...META_APPROVAL_STATUSES] },
          category: { type: 'string', enum: [...TEMPLATE_CATEGORIES] },
        },
        additionalProperties: false,
      },
      response: { 200: pageOf(templateSchema), ...protectedErrors },
    },
  }, async (req) => {
    const q = req.query as { limit: number; offset: number; status?: string; approval_status_meta?: string; category?: string };
    const where: Record<string, unknown> = {};
    if (q.status) where.status = q.status;
    if (q.approval_status_meta) where.approvalStatusMeta = q.approval_status_meta;
    if (q.category) where.templateCategory = q.category;
    const [items, total] = await emOf(orm).findAndCount(MessageTemplate, where as never, { orderBy: { templateName: 'asc' }, limit: q.limit, offset: q.offset });
    return { items: items.map(templateJson), total, limit: q.limit, offset: q.offset };
  });

  app.get('/templates/:id', {
    ...protect(guards, 'templates.read'),
    schema: { tags: ['templates'], summary: 'Una plantilla con sus variables y botones', security: bearer, params: uuidParam('id'), querystring: noQuery, response: { 200: templateSchema, ...protectedErrors, 404: errorRef } },
  }, async (req) => {
    const id = (req.params as { id: string }).id;
    const em = emOf(orm);
    const tpl = await em.findOne(MessageTemplate, { templateId: id } as never);
    if (!tpl) throw new NotFoundError(t('http.template_not_found', { id }), 'TEMPLATE_NOT_FOUND');
    const [vars, buttons] = await Promise.all([
      em.find(TemplateVariable, { template: id } as never, { orderBy: { variablePlaceholder: 'asc' } }),
      em.find(TemplateButton, { template: id } as never, { orderBy: { buttonOrder: 'asc' } }),
    ]);
    return {
      ...templateJson(tpl),
      variables: vars.map((v) => ({ name: v.variableName ?? null, placeholder: v.variablePlaceholder ?? null, type: v.variableType, required: v.isRequired, example: v.exampleValue ?? null })),
      buttons: buttons.map((b) => ({ text: b.buttonText, type: b.buttonType, value: b.buttonValue ?? null, order: b.buttonOrder ?? null })),
    };
  });
}
