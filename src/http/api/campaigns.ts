import type { FastifyInstance } from 'fastify';
import { CAMPAIGN_STATUSES, CAMPAIGN_TYPES, type ICampaign } from '../../modules/campaigns/campaign.entity.ts';
import type { CampaignInput, CampaignTransition } from '../../modules/campaigns/campaigns.service.ts';
import { MAX_INT, errorRef, noQuery, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors, uuidParam } from '../schemas.ts';
import { auditApi, bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/**
 * /api/campaigns: list, get, create, update, schedule, pause, cancel. Schemas and calls only:
 * the rules and the conditional status updates live in src/modules/campaigns/.
 */

const campaignSchema = {
  type: 'object',
  properties: {
    campaign_id: { type: 'string' },
    campaign_name: { type: 'string' },
    campaign_type: { type: 'string', enum: [...CAMPAIGN_TYPES] },
    description: nullableString,
    status: { type: 'string', enum: [...CAMPAIGN_STATUSES] },
    start_date: nullableDateTime,
    end_date: nullableDateTime,
    channel_id: { type: 'integer' },
    target_segment_id: nullableString,
    created_by_user_id: { type: 'integer' },
    total_recipients: { type: 'integer' },
    messages_sent: { type: 'integer' },
    messages_failed: { type: 'integer' },
    unique_clicks: { type: 'integer' },
    conversion_count: { type: 'integer' },
    created_at: nullableDateTime,
    updated_at: nullableDateTime,
  },
} as const;

const editable = {
  campaign_name: { type: 'string', minLength: 1, maxLength: 255 },
  campaign_type: { type: 'string', enum: [...CAMPAIGN_TYPES] },
  description: { type: ['string', 'null'], maxLength: 5000 },
  channel_id: { type: 'integer', minimum: 1, maximum: MAX_INT },
  target_segment_id: { type: ['string', 'null'], format: 'uuid' },
  start_date: { type: ['string', 'null'], format: 'date-time' },
  end_date: { type: ['string', 'null'], format: 'date-time' },
} as const;

const ref = (v: unknown, key: string) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : v);

export function campaignJson(c: ICampaign) {
  return {
    campaign_id: c.campaignId,
    campaign_name: c.campaignName,
    campaign_type: c.campaignType,
    description: c.description ?? null,
    status: c.status,
    start_date: iso(c.startDate),
    end_date: iso(c.endDate),
    channel_id: ref(c.channel, 'channelId') as number,
    target_segment_id: (ref(c.targetSegment, 'segmentId') as string | undefined) ?? null,
    created_by_user_id: ref(c.createdByUser, 'id') as number,
    total_recipients: c.totalRecipients,
    messages_sent: c.messagesSent,
    messages_failed: c.messagesFailed,
    unique_clicks: c.uniqueClicks,
    conversion_count: c.conversionCount,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

export async function campaignRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services } = opts;
  const campaigns = services.campaigns;
  const one = { 200: campaignSchema, ...protectedErrors, 404: errorRef, 409: errorRef };

  app.get('/campaigns', {
    ...protect(guards, 'campaigns.read'),
    schema: {
      tags: ['campaigns'], summary: 'Lista de campañas', security: bearer,
      querystring: { type: 'object', properties: { ...paginationQuery, status: { type: 'string', enum: [...CAMPAIGN_STATUSES] } }, additionalProperties: false },
      response: { 200: pageOf(campaignSchema), ...protectedErrors },
    },
  }, async (req) => {
    const q = req.query as { limit: number; offset: number; status?: ICampaign['status'] };
    const { items, total } = await campaigns.list(emOf(orm), q);
    return { items: items.map(campaignJson), total, limit: q.limit, offset: q.offset };
  });

  app.get('/campaigns/:id', {
    ...protect(guards, 'campaigns.read'),
    schema: { tags: ['campaigns'], summary: 'Una campaña', security: bearer, params: uuidParam('id'), querystring: noQuery, response: one },
  }, async (req) => campaignJson(await campaigns.get(emOf(orm), (req.params as { id: string }).id)));

  app.post('/campaigns', {
    ...protect(guards, 'campaigns.create'),
    schema: {
      tags: ['campaigns'], summary: 'Crear una campaña (en borrador)', security: bearer, querystring: noQuery,
      body: { type: 'object', properties: editable, required: ['campaign_name', 'campaign_type'], additionalProperties: false },
      response: { 201: campaignSchema, ...protectedErrors },
    },
  }, async (req, reply) => {
    const em = emOf(orm);
    const reader = guards.caller(req);
    const created = await campaigns.create(em, reader.userId!, req.body as CampaignInput);
    await auditApi(services, em, reader, 'campaigns.create', created.campaignId, { name: created.campaignName });
    reply.status(201);
    return campaignJson(created);
  });

  app.patch('/campaigns/:id', {
    ...protect(guards, 'campaigns.create'),
    schema: {
      tags: ['campaigns'], summary: 'Editar una campaña (borrador, programada o en pausa)', security: bearer, params: uuidParam('id'), querystring: noQuery,
      body: { type: 'object', properties: editable, minProperties: 1, additionalProperties: false },
      response: one,
    },
  }, async (req) => {
    const em = emOf(orm);
    const body = req.body as CampaignInput;
    const c = await campaigns.update(em, (req.params as { id: string }).id, body);
    await auditApi(services, em, guards.caller(req), 'campaigns.update', c.campaignId, { fields: Object.keys(body) });
    return campaignJson(c);
  });

  const transition = (action: CampaignTransition, summary: string) =>
    app.post(`/campaigns/:id/${action}`, {
      ...protect(guards, 'campaigns.send'),
      // The body is optional for these actions: a bare POST means `{}`.
      preValidation: async (req) => {
        req.body ??= {};
      },
      schema: {
        tags: ['campaigns'], summary, security: bearer, params: uuidParam('id'), querystring: noQuery,
        body: action === 'schedule'
          ? { type: 'object', properties: { start_date: editable.start_date, end_date: editable.end_date }, additionalProperties: false }
          : { type: 'object', additionalProperties: false },
        response: one,
      },
    }, async (req) => {
      const em = emOf(orm);
      const { campaign: c, from } = await campaigns.transition(em, (req.params as { id: string }).id, action, (req.body ?? {}) as CampaignInput);
      await auditApi(services, em, guards.caller(req), `campaigns.${action}`, c.campaignId, { from, to: c.status, startDate: iso(c.startDate) });
      return campaignJson(c);
    });

  transition('schedule', 'Programar una campaña (start_date futura)');
  transition('pause', 'Pausar una campaña programada o activa');
  transition('cancel', 'Cancelar una campaña');
}
