import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';
import type { OutboundOrigin, Reply, SendResult } from '../../transport/types.ts';
import { ensureUser } from '../identity/identity.service.ts';
import { listLatestOrders } from '../orders/orders.service.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import { MessageTemplate } from './message-template.entity.ts';
import { TemplateUsageLog } from './template-usage-log.entity.ts';
import type { LoadedTemplate } from './content.ts';
import { renderTemplate } from './render.ts';

/**
 * Sending a template to a client and what its sends did. Every send writes one
 * `template_usage_log` row with the provider message id; receipts then move its status through
 * the delivery-tracking fan-out (sent → delivered → read / failed).
 */

export interface SendDeps {
  platform(): 'baileys' | 'meta_cloud' | null;
  send(to: string, reply: Reply, opts: { origin: OutboundOrigin; campaignId?: string | null }): Promise<SendResult>;
  /** Cloud API media upload (/{phone-number-id}/media) for a media header kept as a local file. */
  uploadMedia(bytes: Buffer, mime: string, fileName: string): Promise<string>;
  readHeaderBytes(ref: string): Promise<{ bytes: Buffer; mime: string; fileName: string }>;
  reapplyPending?(messageIds: string[]): Promise<unknown>;
  now(): Date;
  timeZone?: string;
}

export interface SendTemplateInput {
  to: string;
  values?: Record<string, string>;
  campaignId?: string | null;
  origin?: OutboundOrigin;
}

export async function sendTemplate(em: EntityManager, deps: SendDeps, loaded: LoadedTemplate, input: SendTemplateInput) {
  const { tpl, content } = loaded;
  const phone = normalizePhone(input.to);
  if (!phone) throw new ValidationError(t('http.invalid_phone', { phone: input.to.slice(0, 30) }), undefined, 'INVALID_PHONE');
  if (tpl.status === 'archived') throw new ValidationError(t('templates.archived', { name: tpl.templateName }), undefined, 'TEMPLATE_ARCHIVED');
  const platform = deps.platform();
  // Cloud API: Meta only delivers approved templates. Baileys sends the text, so drafts can be tried there.
  if (platform === 'meta_cloud' && !(tpl.status === 'approved' && tpl.approvalStatusMeta === 'approved')) {
    throw new ValidationError(
      t('templates.not_sendable', { name: tpl.templateName, status: t(`templates.status.${tpl.status}`), meta: t(`templates.meta_status.${tpl.approvalStatusMeta}`) }),
      undefined,
      'TEMPLATE_NOT_SENDABLE',
    );
  }
  const { user } = await ensureUser(em, phone);
  await em.flush();
  const [order] = user.id ? await listLatestOrders(em, user.id, 1) : [];
  const client = {
    nombre: user.nombre ?? null,
    phone,
    email: (user as { email?: string | null }).email ?? null,
    lastOrder: order ? { id: order.id, ref: order.externalRef ?? null, total: String(order.total), currency: order.currency, estado: order.estado, date: order.createdAt ?? null } : null,
  };
  // Validate values before any upload, so a missing value costs nothing.
  renderTemplate({ name: tpl.templateName, content, client, values: input.values, timeZone: deps.timeZone });
  let headerMedia: { id?: string; link?: string; fileName?: string } | null = null;
  if (content.headerType !== 'none' && content.headerType !== 'text' && content.header) {
    if (/^https?:\/\//i.test(content.header)) headerMedia = { link: content.header };
    else if (platform === 'meta_cloud') {
      const file = await deps.readHeaderBytes(content.header);
      headerMedia = { id: await deps.uploadMedia(file.bytes, file.mime, file.fileName), fileName: file.fileName };
    }
  }
  const rendered = renderTemplate({ name: tpl.templateName, content, client, values: input.values, headerMedia, timeZone: deps.timeZone });
  const reply: Reply = { kind: 'template', name: tpl.metaTemplateName ?? tpl.templateName, language: tpl.languageCode, components: rendered.components, text: rendered.text };
  const sent = await deps.send(phone, reply, { origin: input.origin ?? 'bot', campaignId: input.campaignId ?? null });
  const usage = em.create(TemplateUsageLog, {
    template: em.getReference(MessageTemplate, tpl.templateId as never),
    campaign: input.campaignId ?? null,
    cliente: user,
    messageId: sent.messageId,
    usageTimestamp: deps.now(),
    status: 'sent',
  } as never);
  await em.flush();
  // A receipt that arrived before this row waits in the early-receipt store (the receipt handler
  // reports this send as awaiting its usage row): apply it now that the row exists.
  await deps.reapplyPending?.([sent.messageId]);
  return { messageId: sent.messageId, usageId: (usage as { usageId: string }).usageId, text: rendered.text, components: rendered.components, phone };
}

export interface UsageStats {
  from: Date;
  to: Date;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  deliveredRate: number;
  readRate: number;
  failures: Array<{ reason: string | null; count: number }>;
}

const pct = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 10 : 0);

/** Sends in [from, to): counts by status in SQL; failure reasons from conversations_log. */
export async function usageStats(em: EntityManager, templateId: string, from: Date, to: Date): Promise<UsageStats> {
  const where = { template: templateId, usageTimestamp: { $gte: from, $lt: to } };
  const rows = (await em
    .createQueryBuilder(TemplateUsageLog, 'u')
    .select(['u.status', raw('count(*) as n')] as never)
    .where(where as never)
    .groupBy('u.status')
    .execute('all', false)) as unknown as Array<{ status: string; n: number | string }>;
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const read = by.read ?? 0;
  const delivered = (by.delivered ?? 0) + read;
  const failed = by.failed ?? 0;
  const sent = (by.sent ?? 0) + delivered + failed;
  // Failure reasons live on the conversation row of the same message (Meta's code and title).
  const failedIds = (await em.find(TemplateUsageLog, { ...where, status: 'failed', messageId: { $ne: null } } as never, { fields: ['messageId'] as never, limit: 5000 }))
    .map((u) => u.messageId!)
    .filter(Boolean);
  const reasons = new Map<string | null, number>();
  for (let i = 0; i < failedIds.length; i += 500) {
    const conv = await em.find(ConversationLog, { messageId: { $in: failedIds.slice(i, i + 500) } } as never, { fields: ['messageId', 'failureReason'] as never });
    const byId = new Map(conv.map((c) => [c.messageId, c.failureReason ?? null]));
    for (const id of failedIds.slice(i, i + 500)) reasons.set(byId.get(id) ?? null, (reasons.get(byId.get(id) ?? null) ?? 0) + 1);
  }
  const failures = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  if (failed > failedIds.length) failures.push({ reason: null, count: failed - failedIds.length });
  return { from, to, sent, delivered, read, failed, deliveredRate: pct(delivered, sent), readRate: pct(read, sent), failures };
}
