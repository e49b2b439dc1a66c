import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps } from '../../shared/service-deps.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { MessageChannel } from '../messaging/message-channel.entity.ts';
import { CustomerSegment } from '../segments/customer-segment.entity.ts';
import { Campaign, type ICampaign } from './campaign.entity.ts';
import { ALLOWED_FROM, assertDateOrder, assertSchedulable, assertTransition, TARGET, type CampaignAction, type CampaignStatus } from './campaign-rules.ts';

/**
 * Campaigns: queries, creation, edits and status transitions. Every status change is ONE
 * conditional update (`… WHERE campaign_id = ? AND status IN (allowed)`), so an HTTP call and the
 * dispatcher (or two instances on PostgreSQL) cannot race a campaign into a state the rules
 * forbid: whoever comes second changes nothing and gets the rule's Spanish explanation.
 */

export interface CampaignInput {
  campaign_name?: string;
  campaign_type?: ICampaign['campaignType'];
  description?: string | null;
  channel_id?: number;
  target_segment_id?: string | null;
  start_date?: string | null;
  end_date?: string | null;
}

export type CampaignTransition = Exclude<CampaignAction, 'update'>;

const dateOf = (v: string | null | undefined, current: Date | null | undefined) => (v === undefined ? (current ?? null) : v ? new Date(v) : null);

export function createCampaignsService(deps: ServiceDeps) {
  const now = () => deps.clock.now();

  async function get(em: EntityManager, id: string): Promise<ICampaign> {
    const c = await em.findOne(Campaign, { campaignId: id } as never, { refresh: true });
    if (!c) throw new NotFoundError(t('http.campaign_not_found', { id }), 'CAMPAIGN_NOT_FOUND');
    return c;
  }

  /** The column values a body sets, after checking the channel and segment exist. */
  async function valuesOf(em: EntityManager, body: CampaignInput): Promise<Record<string, unknown>> {
    const v: Record<string, unknown> = {};
    if (body.campaign_name !== undefined) v.campaignName = body.campaign_name.trim();
    if (body.campaign_type !== undefined) v.campaignType = body.campaign_type;
    if (body.description !== undefined) v.description = body.description;
    if (body.channel_id !== undefined) {
      const ch = await em.findOne(MessageChannel, { channelId: body.channel_id } as never);
      if (!ch) {
        const all = await em.find(MessageChannel, {}, { orderBy: { channelId: 'asc' } });
        throw new ValidationError(t('http.channel_not_found', { channel: body.channel_id, available: all.map((x) => `${x.channelId} (${x.channelName})`).join(', ') }), undefined, 'CHANNEL_NOT_FOUND');
      }
      v.channel = ch.channelId;
    }
    if (body.target_segment_id !== undefined && body.target_segment_id !== null) {
      const seg = await em.findOne(CustomerSegment, { segmentId: body.target_segment_id } as never);
      if (!seg) throw new ValidationError(t('http.segment_not_found', { id: body.target_segment_id }), undefined, 'SEGMENT_NOT_FOUND');
    }
    if (body.target_segment_id !== undefined) v.targetSegment = body.target_segment_id;
    if (body.start_date !== undefined) v.startDate = body.start_date ? new Date(body.start_date) : null;
    if (body.end_date !== undefined) v.endDate = body.end_date ? new Date(body.end_date) : null;
    return v;
  }

  /** One conditional update; when it changes nothing, the rule's explanation for the status found. */
  async function guardedUpdate(em: EntityManager, id: string, action: CampaignAction, from: readonly CampaignStatus[], values: Record<string, unknown>): Promise<ICampaign> {
    const n = await em.nativeUpdate(Campaign, { campaignId: id, status: { $in: [...from] } } as never, { ...values, updatedAt: now() } as never);
    const fresh = await get(em, id);
    if (!n) assertTransition(action, fresh.status);
    return fresh;
  }

  return {
    get,
    async list(em: EntityManager, q: { limit: number; offset: number; status?: CampaignStatus }) {
      const [items, total] = await em.findAndCount(Campaign, (q.status ? { status: q.status } : {}) as never, { orderBy: { createdAt: 'desc' }, limit: q.limit, offset: q.offset });
      return { items, total };
    },

    /** A new campaign, in draft, on the given channel or the first WhatsApp one. */
    async create(em: EntityManager, createdBy: number, body: CampaignInput): Promise<ICampaign> {
      const values = await valuesOf(em, body);
      if (values.channel === undefined) {
        const wa = await em.findOne(MessageChannel, { channelType: 'whatsapp' } as never, { orderBy: { channelId: 'asc' } });
        values.channel = wa?.channelId;
      }
      assertDateOrder(values.startDate as Date | null | undefined, values.endDate as Date | null | undefined);
      const c = em.create(Campaign, { ...values, status: 'draft', createdByUser: createdBy } as never) as ICampaign;
      await em.flush();
      return c;
    },

    /** Edits a draft, scheduled or paused campaign (a scheduled one must stay in the future). */
    async update(em: EntityManager, id: string, body: CampaignInput): Promise<ICampaign> {
      const current = await get(em, id);
      assertTransition('update', current.status);
      const values = await valuesOf(em, body);
      const start = dateOf(body.start_date, current.startDate);
      const end = dateOf(body.end_date, current.endDate);
      assertDateOrder(start, end);
      if (current.status === 'scheduled') assertSchedulable(start, end, now());
      // Only a campaign still in the status just checked: a dispatcher that started it meanwhile wins.
      const allowed = current.status === 'scheduled' ? (['scheduled'] as const) : ALLOWED_FROM.update.filter((s) => s !== 'scheduled');
      return guardedUpdate(em, id, 'update', allowed, values);
    },

    /** schedule (future start_date), pause, cancel; returns the campaign and the status it left. */
    async transition(em: EntityManager, id: string, action: CampaignTransition, dates: { start_date?: string | null; end_date?: string | null } = {}): Promise<{ campaign: ICampaign; from: CampaignStatus }> {
      const current = await get(em, id);
      const from = current.status;
      assertTransition(action, from);
      const values: Record<string, unknown> = { status: TARGET[action] };
      if (action === 'schedule') {
        const start = dateOf(dates.start_date, current.startDate);
        const end = dateOf(dates.end_date, current.endDate);
        assertSchedulable(start, end, now());
        Object.assign(values, { startDate: start, endDate: end });
      }
      const campaign = await guardedUpdate(em, id, action, ALLOWED_FROM[action], values);
      // `current` is the same managed entity, refreshed by then: report the status read first.
      return { campaign, from };
    },
  };
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
