// Identity and access
import { Usuario } from '../modules/identity/usuario.entity.ts';
import { UserRole } from '../modules/identity/user-role.entity.ts';
import { UserPermission } from '../modules/identity/user-permission.entity.ts';
import { RolePermission } from '../modules/identity/role-permission.entity.ts';
import { AuditLog } from '../modules/identity/audit-log.entity.ts';
import { PendingConfirmation } from '../modules/identity/pending-confirmation.entity.ts';
import { ConsentEvent } from '../modules/identity/consent-event.entity.ts';
// Messaging
import { ConversationLog } from '../modules/messaging/conversation-log.entity.ts';
import { MessageChannel } from '../modules/messaging/message-channel.entity.ts';
import { ChannelStatistic } from '../modules/messaging/channel-statistic.entity.ts';
// Orders
import { Pedido } from '../modules/orders/pedido.entity.ts';
// Files
import { ClientFileStorage } from '../modules/files/client-file-storage.entity.ts';
import { ClientConversationArchive } from '../modules/files/client-conversation-archive.entity.ts';
// WhatsApp groups
import { WhatsappGroup } from '../modules/groups/whatsapp-group.entity.ts';
import { WhatsappGroupMember } from '../modules/groups/whatsapp-group-member.entity.ts';
import { WhatsappGroupClienteMapping } from '../modules/groups/whatsapp-group-cliente-mapping.entity.ts';
import { WhatsappGroupMessageLog } from '../modules/groups/whatsapp-group-message-log.entity.ts';
import { WhatsappGroupMemberEvent } from '../modules/groups/whatsapp-group-member-event.entity.ts';
// Campaigns and reports
import { Campaign } from '../modules/campaigns/campaign.entity.ts';
import { CampaignMessage } from '../modules/campaigns/campaign-message.entity.ts';
import { CampaignRecipientLog } from '../modules/campaigns/campaign-recipient-log.entity.ts';
import { CampaignAnalytics } from '../modules/campaigns/campaign-analytics.entity.ts';
import { CustomerReport } from '../modules/campaigns/customer-report.entity.ts';
import { CampaignGoal } from '../modules/campaigns/campaign-goal.entity.ts';
// Meta templates
import { MessageTemplate } from '../modules/templates/message-template.entity.ts';
import { TemplateButton } from '../modules/templates/template-button.entity.ts';
import { TemplateVariable } from '../modules/templates/template-variable.entity.ts';
import { TemplateUsageLog } from '../modules/templates/template-usage-log.entity.ts';
import { TemplateVersion } from '../modules/templates/template-version.entity.ts';
import { TemplateSyncState } from '../modules/templates/template-sync-state.entity.ts';
// Segmentation
import { SegmentationRule } from '../modules/segments/segmentation-rule.entity.ts';
import { CustomerSegment } from '../modules/segments/customer-segment.entity.ts';
import { SegmentMember } from '../modules/segments/segment-member.entity.ts';
import { SegmentMemberHistory } from '../modules/segments/segment-member-history.entity.ts';
import { SegmentPerformance } from '../modules/segments/segment-performance.entity.ts';
import { CustomerScore } from '../modules/segments/customer-score.entity.ts';
import { SegmentOverride } from '../modules/segments/segment-override.entity.ts';
// Provider integration
import { WebhookInbox } from '../modules/meta/webhook-inbox.entity.ts';
import { EarlyReceipt } from '../modules/messaging/early-receipt.entity.ts';
// Reports (issue 12)
import { MessagePricing } from '../modules/reports/message-pricing.entity.ts';
import { ReportSchedule } from '../modules/reports/report-schedule.entity.ts';
import { ReportRun } from '../modules/reports/report-run.entity.ts';
import { ChannelMonthlyUser } from '../modules/reports/channel-monthly-user.entity.ts';
import { ClientMonthlyActivity } from '../modules/reports/client-monthly-activity.entity.ts';

/** The explicit entity list: every table MarIADono owns (43 tables). */
export const entities = [
  Usuario, UserRole, UserPermission, RolePermission, AuditLog, PendingConfirmation, ConsentEvent,
  ConversationLog, MessageChannel, ChannelStatistic,
  Pedido,
  ClientFileStorage, ClientConversationArchive,
  WhatsappGroup, WhatsappGroupMember, WhatsappGroupClienteMapping, WhatsappGroupMessageLog, WhatsappGroupMemberEvent,
  Campaign, CampaignMessage, CampaignRecipientLog, CampaignAnalytics, CustomerReport, CampaignGoal,
  MessageTemplate, TemplateButton, TemplateVariable, TemplateUsageLog, TemplateVersion, TemplateSyncState,
  SegmentationRule, CustomerSegment, SegmentMember, SegmentMemberHistory, SegmentPerformance, CustomerScore, SegmentOverride,
  WebhookInbox, EarlyReceipt,
  MessagePricing, ReportSchedule, ReportRun, ChannelMonthlyUser, ClientMonthlyActivity,
];
