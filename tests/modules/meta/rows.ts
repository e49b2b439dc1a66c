import type { EntityManager } from '@mikro-orm/sql';
import type { Orm } from '../../../src/db/orm.ts';
import { ensureUser } from '../../../src/modules/identity/identity.service.ts';
import { Campaign } from '../../../src/modules/campaigns/campaign.entity.ts';
import { CampaignRecipientLog } from '../../../src/modules/campaigns/campaign-recipient-log.entity.ts';
import { MessageChannel } from '../../../src/modules/messaging/message-channel.entity.ts';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { MessageTemplate } from '../../../src/modules/templates/message-template.entity.ts';
import { TemplateUsageLog } from '../../../src/modules/templates/template-usage-log.entity.ts';

/** Row builders for the Meta module's tests: an outbound campaign/template send to fan receipts out to. */

export const fork = (orm: Orm) => orm.em.fork() as unknown as EntityManager;

export async function makeUser(em: EntityManager, phone: string, nombre = 'Cliente') {
  const { user } = await ensureUser(em, phone, { nombre });
  await em.flush();
  return user;
}

export async function makeTemplate(em: EntityManager, over: Partial<Record<string, unknown>> = {}) {
  const owner = await makeUser(em, '34699000001', 'Gerente');
  const tpl = em.create(MessageTemplate, {
    templateName: `tpl_${Math.random().toString(36).slice(2, 8)}`,
    templateCategory: 'marketing',
    languageCode: 'es_ES',
    bodyText: 'Hola {{1}}',
    createdByUser: owner,
    status: 'pending_approval',
    approvalStatusMeta: 'pending',
    ...over,
  } as never);
  await em.flush();
  return tpl;
}

/** An outbound message `messageId` sent by a campaign with a template to `phone`. */
export async function makeOutboundSend(em: EntityManager, messageId: string, phone = '34600000777') {
  const owner = await makeUser(em, '34699000001', 'Gerente');
  const client = await makeUser(em, phone);
  const channel = await em.findOneOrFail(MessageChannel, { channelName: 'WhatsApp' });
  const campaign = em.create(Campaign, { campaignName: 'Verano', campaignType: 'broadcast', createdByUser: owner, channel, status: 'active' } as never);
  const tpl = await makeTemplate(em, { status: 'approved', approvalStatusMeta: 'approved' });
  em.create(ConversationLog, {
    from: phone, cliente: client, date: new Date(), body: 'Hola', messageType: 'template', messageId, messageDirection: 'outbound',
    origin: 'campaign', deliveryStatus: 'sent', platformOrigin: 'meta_cloud', campaign,
  } as never);
  em.create(CampaignRecipientLog, { campaign, cliente: client, messageId, sendStatus: 'sending', attempts: 1 } as never);
  em.create(TemplateUsageLog, { template: tpl, campaign, messageId, cliente: client, usageTimestamp: new Date(), status: 'sent' } as never);
  await em.flush();
  return { campaign, client, tpl };
}
