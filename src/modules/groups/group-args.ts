import { z } from 'zod';
import { t } from '../../shared/i18n/index.ts';
import { ValidationError } from '../../shared/errors.ts';
import { normalizeWord } from '../admin/parser.ts';
import { looksLikeSince } from '../admin/args.ts';
import type { RelationshipType } from './mapping.ts';

/**
 * Argument helpers shared by `/grupo` and `/reporte grupo`: a group named by words that may
 * contain spaces, followed by optional dates; relationship names in Spanish (or English).
 */

const RELATIONS: Record<string, RelationshipType> = {
  propietario: 'owner', dueno: 'owner', owner: 'owner',
  miembro: 'member', member: 'member',
  audiencia: 'target_audience', publico: 'target_audience', target_audience: 'target_audience', audience: 'target_audience',
  soporte: 'support_group', support_group: 'support_group', support: 'support_group',
};

export const zRelation = z.string().transform((v, ctx) => {
  const type = RELATIONS[normalizeWord(v)];
  if (!type) {
    ctx.addIssue({ code: 'custom', message: t('groups.bad_relation', { value: v.slice(0, 30) }) });
    return z.NEVER;
  }
  return type;
});

/** `sí`/`no` options (`principal=sí`). */
export const zYesNo = z.string().transform((v, ctx) => {
  const w = normalizeWord(v);
  if (['si', 's', 'yes', 'true', '1'].includes(w)) return true;
  if (['no', 'n', 'false', '0'].includes(w)) return false;
  ctx.addIssue({ code: 'custom', message: t('groups.bad_yes_no', { value: v.slice(0, 30) }) });
  return z.NEVER;
});

/**
 * Splits `<grupo> [fecha] [fecha]`: up to `maxDates` trailing words that look like dates
 * (`2026-11-01`, `hoy`, `ayer`, `7d`) are dates; the words before them name the group.
 */
export function splitGroupAndDates(text: string | undefined, maxDates: number): { group: string; dates: string[] } {
  const words = (text ?? '').trim().split(/\s+/u).filter(Boolean);
  const dates: string[] = [];
  while (words.length > 1 && dates.length < maxDates && looksLikeSince(words.at(-1)!)) dates.unshift(words.pop()!);
  if (words.length > 1 && looksLikeSince(words.at(-1)!)) {
    // maxDates 0: every date was already given as an option (desde=, hasta=).
    throw new ValidationError(maxDates === 0 ? t('groups.date_twice', { value: words.at(-1)!.slice(0, 30) }) : t('groups.too_many_dates', { max: maxDates }));
  }
  return { group: words.join(' '), dates };
}
