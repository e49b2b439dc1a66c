import type { FastifyInstance } from 'fastify';
import type { EntityManager } from '@mikro-orm/sql';
import { Campaign, CAMPAIGN_STATUSES, CAMPAIGN_TYPES, type ICampaign } from '../../modules/campaigns/campaign.entity.ts';
import { MessageChannel } from '../../modules/messaging/message-channel.entity.ts';
import { CustomerSegment } from '../../modules/segments/customer-segment.entity.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { MAX_INT, errorRef, noQuery, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors, uuidParam } from '../schemas.ts';
import { assertDateOrder, assertSchedulable, assertTransition, TARGET, type CampaignAction } from './campaign-rules.ts';
import { auditApi, bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/** /api/campaigns: list, get, create, update, schedule, pause, cancel (status rules in campaign-rules.ts). */

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

interface CampaignBody {
  campaign_name?: string;
  campaign_type?: ICampaign['campaignType'];
  description?: string | null;
  channel_id?: number;
  target_segment_id?: string | null;
  start_date?: string | null;
  end_date?: string | null;
}

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

async function findCampaign(em: EntityManager, id: string): Promise<ICampaign> {
  const c = await em.findOne(Campaign, { campaignId: id } as never);
  if (!c) throw new NotFoundError(t('http.campaign_not_found', { id }), 'CAMPAIGN_NOT_FOUND');
  return c;
}

/** Applies body fields to a campaign, checking the channel and segment exist. */
async function applyBody(em: EntityManager, c: Partial<ICampaign>, body: CampaignBody): Promise<void> {
  if (body.campaign_name !== undefined) c.campaignName = body.campaign_name.trim();
  if (body.campaign_type !== undefined) c.campaignType = body.campaign_type;
  if (body.description !== undefined) c.description = body.description;
  if (body.channel_id !== undefined) {
    const ch = await em.findOne(MessageChannel, { channelId: body.channel_id } as never);
    if (!ch) {
      const all = await em.find(MessageChannel, {}, { orderBy: { channelId: 'asc' } });
      throw new ValidationError(t('http.channel_not_found', { channel: body.channel_id, available: all.map((x) => `${x.channelId} (${x.channelName})`).join(', ') }), undefined, 'CHANNEL_NOT_FOUND');
    }
    c.channel = ch;
  }
  if (body.target_segment_id !== undefined) {
    if (body.target_segment_id === null) c.targetSegment = null;
    else {
      const seg = await em.findOne(CustomerSegment, { segmentId: body.target_segment_id } as never);
      if (!seg) throw new ValidationError(t('http.segment_not_found', { id: body.target_segment_id }), undefined, 'SEGMENT_NOT_FOUND');
      c.targetSegment = seg;
    }
  }
  if (body.start_date !== undefined) c.startDate = body.start_date ? new Date(body.start_date) : null;
  if (body.end_date !== undefined) c.endDate = body.end_date ? new Date(body.end_date) : null;
  assertDateOrder(c.startDate, c.endDate);
}

export async function campaignRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services } = opts;
  const now = () => services.deps.clock.now();
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
    const where = q.status ? { status: q.status } : {};
    const [items, total] = await emOf(orm).findAndCount(Campaign, where as never, { orderBy: { createdAt: 'desc' }, limit: q.limit, offset: q.offset });
    return { items: items.map(campaignJson), total, limit: q.limit, offset: q.offset };
  });

  app.get('/campaigns/:id', {
    ...protect(guards, 'campaigns.read'),
    schema: { tags: ['campaigns'], summary: 'Una campaña', security: bearer, params: uuidParam('id'), querystring: noQuery, response: one },
  }, async (req) => campaignJson(await findCampaign(emOf(orm), (req.params as { id: string }).id)));

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
    const body = req.body as CampaignBody;
    const c = { status: 'draft', createdByUser: reader.userId } as unknown as Partial<ICampaign>;
    if (body.channel_id === undefined) {
      const wa = await em.findOne(MessageChannel, { channelType: 'whatsapp' } as never, { orderBy: { channelId: 'asc' } });
      c.channel = wa ?? undefined;
    }
    await applyBody(em, c, body);
    const created = em.create(Campaign, c as never) as ICampaign;
    await em.flush();
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
    const c = await findCampaign(em, (req.params as { id: string }).id);
    assertTransition('update', c.status);
    const body = req.body as CampaignBody;
    await applyBody(em, c, body);
    // A scheduled campaign must stay in the future.
    if (c.status === 'scheduled') assertSchedulable(c.startDate, c.endDate, now());
    await em.flush();
    await auditApi(services, em, guards.caller(req), 'campaigns.update', c.campaignId, { fields: Object.keys(body) });
    return campaignJson(c);
  });

  const transition = (action: Exclude<CampaignAction, 'update'>, summary: string) =>
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
      const c = await findCampaign(em, (req.params as { id: string }).id);
      assertTransition(action, c.status);
      if (action === 'schedule') {
        const body = (req.body ?? {}) as CampaignBody;
        if (body.start_date !== undefined) c.startDate = body.start_date ? new Date(body.start_date) : null;
        if (body.end_date !== undefined) c.endDate = body.end_date ? new Date(body.end_date) : null;
        assertSchedulable(c.startDate, c.endDate, now());
      }
      const from = c.status;
      c.status = TARGET[action];
      await em.flush();
      await auditApi(services, em, guards.caller(req), `campaigns.${action}`, c.campaignId, { from, to: c.status, startDate: iso(c.startDate) });
      return campaignJson(c);
    });

  transition('schedule', 'Programar una campaña (start_date futura)');
  transition('pause', 'Pausar una campaña programada o activa');
  transition('cancel', 'Cancelar una campaña');
}
