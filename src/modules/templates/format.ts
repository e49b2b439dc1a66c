import { t } from '../../shared/i18n/index.ts';
import { formatDateTime } from '../admin/format.ts';
import type { IMessageTemplate } from './message-template.entity.ts';
import type { TemplateContent } from './model.ts';
import { placeholderOf, staffKeyOf } from './model.ts';
import { renderTemplate } from './render.ts';
import { toMetaCategory, type PrdCategory } from './category.ts';
import type { UsageStats } from './template-send.ts';

/** How templates read in chat (pure): one template, the list, the history with diffs, usage. */

const status = (tpl: IMessageTemplate) => t(`templates.status.${tpl.status}`);
const meta = (tpl: IMessageTemplate) => t(`templates.meta_status.${tpl.approvalStatusMeta}`);

/** The preview uses the variables' examples, so staff see what a client would get. */
function previewOf(content: TemplateContent): string {
  const values = Object.fromEntries(content.variables.map((v) => [staffKeyOf(v), v.example ?? placeholderOf(v)]));
  try {
    return renderTemplate({ content: { ...content, variables: content.variables.map((v) => ({ ...v, required: false })) }, values }).text;
  } catch {
    return content.body;
  }
}

export function formatTemplate(x: { tpl: IMessageTemplate; content: TemplateContent; version: number }): string {
  const { tpl, content } = x;
  const vars = content.variables.map((v) => `${placeholderOf(v)}${v.name ? ` (${v.name})` : ''} ${v.type}${v.required ? '' : t('templates.view_optional')}${v.example ? t('templates.view_example', { example: v.example }) : ''}`);
  return [
    t('templates.view', {
      name: tpl.templateName,
      category: tpl.templateCategory,
      metaCategory: toMetaCategory(tpl.templateCategory as PrdCategory),
      language: tpl.languageCode,
      status: status(tpl),
      meta: meta(tpl),
      rejection: tpl.rejectionReason ? t('templates.view_rejection', { reason: tpl.rejectionReason }) : '',
      version: x.version,
      preview: previewOf(content),
    }),
    vars.length ? t('templates.view_variables', { list: vars.join('; ') }) : '',
  ].filter(Boolean).join('\n\n');
}

export function formatList(items: IMessageTemplate[], total: number, filter?: string): string {
  if (!items.length) return t('templates.list_empty', { filter: filter ? t('templates.list_filter', { status: filter }) : '' });
  return [
    t('templates.list_title', { count: total }),
    ...items.map((tpl) => t('templates.list_line', { name: tpl.templateName, category: tpl.templateCategory, language: tpl.languageCode, status: status(tpl), meta: meta(tpl) })),
  ].join('\n');
}

export function formatHistory(
  h: { tpl: IMessageTemplate; versions: Array<{ version: number; at: Date; who: { phoneNumber?: string; nombre?: string | null } | null; reason: string | null; diff: string[] | null }> },
  tz?: string,
): string {
  const lines = [t('templates.history_title', { name: h.tpl.templateName, count: h.versions.length })];
  for (const v of [...h.versions].reverse()) {
    const who = v.who?.phoneNumber ? `+${v.who.phoneNumber}` : t('templates.nobody');
    lines.push(t('templates.history_line', { version: v.version, at: formatDateTime(new Date(v.at), tz), who, reason: v.reason ? ` · «${v.reason}»` : '' }));
    if (v.diff === null) lines.push(t('templates.history_initial'));
    else if (!v.diff.length) lines.push(t('templates.history_same'));
    else lines.push(...v.diff);
  }
  return lines.join('\n');
}

export function formatUsage(name: string, s: UsageStats, tz?: string): string {
  const failures = s.failures.map((f) => t('templates.usage_failure_line', { reason: f.reason ?? t('templates.usage_unknown_reason'), count: f.count })).join('');
  return t('templates.usage', {
    name,
    from: formatDateTime(s.from, tz),
    to: formatDateTime(s.to, tz),
    sent: s.sent,
    delivered: s.delivered,
    deliveredRate: s.deliveredRate,
    read: s.read,
    readRate: s.readRate,
    failed: s.failed,
    failures,
  });
}
