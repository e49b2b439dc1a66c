import { formatNumber, t } from '../../shared/i18n/index.ts';
import type { Leaf } from './criteria.ts';
import { DAY_MS, type SqlCtx } from './sql.ts';

/** A criterion in words, and the client's actual value from the explain query's row. */
export function describeLeaf(l: Leaf, row: Record<string, unknown>, ctx: SqlCtx): { label: string; actual: string } {
  const none = t('segments.explain.none');
  const n = (k: string) => Number(row[k] ?? 0);
  const daysSince = (k: string) => {
    const v = row[k];
    if (v === null || v === undefined) return none;
    const ms = typeof v === 'number' ? v : new Date(String(v)).getTime();
    return t('segments.explain.days_ago', { days: Math.floor((ctx.now.getTime() - ms) / DAY_MS) });
  };
  if (l.group === 'score') {
    const range = [l.value.min !== undefined ? `≥ ${formatNumber(l.value.min)}` : null, l.value.max !== undefined ? `≤ ${formatNumber(l.value.max)}` : null].filter(Boolean).join(' y ');
    const v = row[`score_${l.key}`];
    return { label: `score ${l.key} ${range}`, actual: v === null || v === undefined ? none : formatNumber(Number(v)) };
  }
  const label = `${l.key} = ${String(l.value)}`;
  switch (l.key) {
    case 'location':
      return { label, actual: [row.location, row.region].filter(Boolean).join(' / ') || none };
    case 'age_range':
      return { label, actual: row.birth_date ? String(row.birth_date).slice(0, 10) : none };
    case 'user_type':
      return { label, actual: String(row.user_type ?? none) };
    case 'purchase_frequency':
      return { label, actual: t('segments.explain.orders_365', { n: n('n365') }) };
    case 'engagement_level':
      return { label, actual: t('segments.explain.messages_30', { n: n('in30') }) };
    case 'preferred_channel':
      return { label, actual: String(row.channel_type ?? none) };
    case 'last_interaction_days':
      return { label, actual: daysSince('last_in') };
    case 'message_count_threshold':
      return { label, actual: t('segments.explain.messages', { n: n('in_all') }) };
    case 'response_rate_min':
      return { label, actual: n('outb') ? `${formatNumber(Math.round((100 * n('answered')) / n('outb')))} % (${n('answered')}/${n('outb')})` : none };
    case 'total_purchases':
      return { label, actual: formatNumber(n('n')) };
    case 'total_spent':
      return { label, actual: formatNumber(n('cents') / 100) };
    case 'last_purchase_days':
      return { label, actual: daysSince('last_order') };
  }
  return { label, actual: none };
}
