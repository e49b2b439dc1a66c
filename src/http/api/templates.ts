import type { FastifyInstance, FastifyRequest } from 'fastify';
import { META_APPROVAL_STATUSES, TEMPLATE_CATEGORIES, TEMPLATE_STATUSES, type IMessageTemplate } from '../../modules/templates/message-template.entity.ts';
import { placeholderOf, VARIABLE_TYPES, type TemplateContent } from '../../modules/templates/model.ts';
import type { ContentInput, VariableMeta } from '../../modules/templates/options.ts';
import type { Actor } from '../../modules/templates/templates.service.ts';
import { errorRef, noQuery, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors, uuidParam } from '../schemas.ts';
import { bearer, emOf, iso, protect, type ApiGuards, type ApiOptions } from './guards.ts';

/**
 * /api/templates: the same service as `/plantilla` in chat (validation, versions, Meta). Routes
 * are a schema and a call.
 */

const variableSchema = { type: 'object', properties: { name: nullableString, placeholder: nullableString, type: { type: 'string' }, required: { type: 'boolean' }, example: nullableString } } as const;
const buttonSchema = { type: 'object', properties: { text: { type: 'string' }, type: { type: 'string' }, value: nullableString, order: { type: ['integer', 'null'] } } } as const;

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
    version: { type: 'integer' },
    variables: { type: 'array', items: variableSchema },
    buttons: { type: 'array', items: buttonSchema },
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

function detailJson(x: { tpl: IMessageTemplate; content: TemplateContent; version: number }) {
  return {
    ...templateJson(x.tpl),
    version: x.version,
    variables: x.content.variables.map((v) => ({ name: v.name, placeholder: placeholderOf(v), type: v.type, required: v.required, example: v.example })),
    buttons: x.content.buttons.map((b, i) => ({ text: b.text, type: b.type, value: b.value, order: i + 1 })),
  };
}

const contentProps = {
  category: { type: 'string', enum: [...TEMPLATE_CATEGORIES] },
  language: { type: 'string', minLength: 2, maxLength: 10 },
  body: { type: 'string', minLength: 1, maxLength: 4096 },
  header: { type: ['string', 'null'], maxLength: 1000 },
  header_type: { type: 'string', enum: ['none', 'text', 'image', 'video', 'document'] },
  header_file: { type: 'string', minLength: 1, maxLength: 1000 },
  footer: { type: ['string', 'null'], maxLength: 1000 },
  buttons: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      properties: { type: { type: 'string', enum: ['quick_reply', 'visit_website', 'call_phone_number'] }, text: { type: 'string', maxLength: 200 }, value: { type: ['string', 'null'], maxLength: 2000 } },
      required: ['type', 'text'],
      additionalProperties: false,
    },
  },
  variables: {
    type: 'object',
    description: 'Por clave (`1`, el nombre de la variable, `encabezado`, `boton1`…): tipo, obligatoria y ejemplo',
    additionalProperties: {
      type: 'object',
      properties: { type: { type: 'string', enum: [...VARIABLE_TYPES] }, required: { type: 'boolean' }, example: { type: 'string', maxLength: 255 } },
      additionalProperties: false,
    },
  },
} as const;

interface ContentBody {
  category?: string;
  language?: string;
  body?: string;
  header?: string | null;
  header_type?: ContentInput['headerType'];
  header_file?: string;
  footer?: string | null;
  buttons?: Array<{ type: 'quick_reply' | 'visit_website' | 'call_phone_number'; text: string; value?: string | null }>;
  variables?: Record<string, VariableMeta>;
}

const inputOf = (b: ContentBody): ContentInput => ({
  category: b.category,
  language: b.language,
  body: b.body,
  header: b.header,
  headerType: b.header_type,
  headerFile: b.header_file,
  footer: b.footer,
  buttons: b.buttons?.map((x) => ({ type: x.type, text: x.text, value: x.value ?? null })),
  variables: b.variables,
});

const actorOf = (guards: ApiGuards, req: FastifyRequest): Actor => {
  const c = guards.caller(req);
  return { userId: c.userId, phone: c.phone, channel: 'http' };
};

/** Action routes take no body; a missing one counts as `{}`. */
const noBody = { type: 'object', additionalProperties: false } as const;
async function emptyBody(req: FastifyRequest): Promise<void> {
  req.body ??= {};
}

export async function templateRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services } = opts;
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;
  /** The service works by name; the API addresses templates by id. */
  const nameOf = async (req: FastifyRequest) => (await services.templates.get(emOf(orm), id(req))).tpl.templateName;

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
    const { items, total } = await services.templates.list(emOf(orm), { status: q.status, approval: q.approval_status_meta, category: q.category, limit: q.limit, offset: q.offset });
    return { items: items.map(templateJson), total, limit: q.limit, offset: q.offset };
  });

  app.get('/templates/:id', {
    ...protect(guards, 'templates.read'),
    schema: { tags: ['templates'], summary: 'Una plantilla con sus variables y botones', security: bearer, params: uuidParam('id'), querystring: noQuery, response: { 200: templateSchema, ...protectedErrors, 404: errorRef } },
  }, async (req) => detailJson(await services.templates.get(emOf(orm), id(req))));

  app.post('/templates', {
    ...protect(guards, 'templates.manage'),
    schema: {
      tags: ['templates'], summary: 'Crear una plantilla en borrador (reglas de Meta comprobadas)', security: bearer, querystring: noQuery,
      body: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 512 }, ...contentProps }, required: ['name', 'category', 'body'], additionalProperties: false },
      response: { 201: templateSchema, ...protectedErrors, 409: errorRef },
    },
  }, async (req, reply) => {
    const body = req.body as ContentBody & { name: string };
    const em = emOf(orm);
    const tpl = await services.templates.create(em, actorOf(guards, req), body.name, inputOf(body));
    reply.status(201);
    return detailJson(await services.templates.get(em, tpl.templateId));
  });

  app.patch('/templates/:id', {
    ...protect(guards, 'templates.manage'),
    schema: {
      tags: ['templates'], summary: 'Editar una plantilla (versión nueva; una aprobada vuelve a revisión)', security: bearer, params: uuidParam('id'), querystring: noQuery,
      body: { type: 'object', properties: { ...contentProps, reason: { type: 'string', minLength: 1, maxLength: 500 } }, required: ['reason'], additionalProperties: false },
      response: { 200: templateSchema, ...protectedErrors, 404: errorRef },
    },
  }, async (req) => {
    const body = req.body as ContentBody & { reason: string };
    const em = emOf(orm);
    await services.templates.edit(em, actorOf(guards, req), await nameOf(req), inputOf(body), body.reason);
    return detailJson(await services.templates.get(em, id(req)));
  });

  app.post('/templates/:id/submit', {
    ...protect(guards, 'templates.manage'),
    preValidation: emptyBody,
    schema: { tags: ['templates'], summary: 'Enviar la plantilla a Meta para su aprobación', security: bearer, params: uuidParam('id'), querystring: noQuery, body: noBody, response: { 200: templateSchema, ...protectedErrors, 404: errorRef, 409: errorRef } },
  }, async (req) => {
    const em = emOf(orm);
    await services.templates.submit(em, actorOf(guards, req), await nameOf(req));
    return detailJson(await services.templates.get(em, id(req)));
  });

  app.post('/templates/sync', {
    ...protect(guards, 'templates.manage'),
    preValidation: emptyBody,
    schema: {
      tags: ['templates'], summary: 'Sincronizar con Meta (estados, categorías, plantillas nuevas)', security: bearer, querystring: noQuery, body: noBody,
      response: { 200: { type: 'object', properties: Object.fromEntries(['total', 'pages', 'imported', 'updated', 'unchanged', 'removed'].map((k) => [k, { type: 'integer' }])) }, ...protectedErrors },
    },
  }, async (req) => services.templates.sync(emOf(orm), actorOf(guards, req)));
}
