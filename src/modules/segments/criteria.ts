import { z } from 'zod';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { CHANNEL_TYPES } from '../messaging/message-channel.entity.ts';
import { SCORE_TYPES } from './customer-score.entity.ts';

/**
 * Segmentation criteria (`segmentation_rules.criteria_json`): the PRD's four groups, plus the
 * `all` / `any` / `not` combinators and score conditions. The README defines every key; this
 * file only checks shape and ranges. Anything unknown is refused with the list of valid keys.
 */

export const GROUP_KEYS = {
  demographic: ['location', 'age_range', 'user_type'],
  behavioral: ['purchase_frequency', 'engagement_level', 'preferred_channel'],
  engagement: ['last_interaction_days', 'message_count_threshold', 'response_rate_min'],
  transactional: ['total_purchases', 'total_spent', 'last_purchase_days'],
} as const;
export type GroupName = keyof typeof GROUP_KEYS;
export const GROUPS = Object.keys(GROUP_KEYS) as GroupName[];
export const COMBINATORS = ['all', 'any', 'not'] as const;
export const TOP_KEYS = [...GROUPS, 'score', ...COMBINATORS] as const;

export const USER_TYPES = ['client', 'agent', 'admin', 'analyst'] as const;
export const FREQUENCIES = ['high', 'medium', 'low'] as const;
export const ENGAGEMENT_LEVELS = ['active', 'moderate', 'inactive'] as const;
export type ScoreType = (typeof SCORE_TYPES)[number];

export interface Demographic { location?: string; age_range?: string; user_type?: (typeof USER_TYPES)[number] }
export interface Behavioral {
  purchase_frequency?: (typeof FREQUENCIES)[number];
  engagement_level?: (typeof ENGAGEMENT_LEVELS)[number];
  preferred_channel?: (typeof CHANNEL_TYPES)[number];
}
export interface Engagement { last_interaction_days?: number; message_count_threshold?: number; response_rate_min?: number }
export interface Transactional { total_purchases?: number; total_spent?: number; last_purchase_days?: number }
export type ScoreRange = { min?: number; max?: number };
export interface Criteria {
  demographic?: Demographic;
  behavioral?: Behavioral;
  engagement?: Engagement;
  transactional?: Transactional;
  score?: Partial<Record<ScoreType, ScoreRange>>;
  all?: Criteria[];
  any?: Criteria[];
  not?: Criteria;
}

const MAX_DAYS = 36_500;
const days = z.number().int().min(1).max(MAX_DAYS);
const count = z.number().int().min(0).max(1_000_000_000);
/** At most two decimals: amounts are compared in cents. */
const money = z.number().min(0).max(1e12).refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, { message: t('segments.criteria.cents') });

/** `18-35` (both inclusive) or `65+`. */
export function parseAgeRange(v: string): { min: number; max: number | null } | null {
  const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})|(\+))\s*$/.exec(v);
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[3] ? null : Number(m[2]);
  if (min > 130 || (max !== null && (max > 130 || max < min))) return null;
  return { min, max };
}

const groupSchemas = {
  demographic: z.object({
    location: z.string().trim().min(1).max(100).optional(),
    age_range: z.string().refine((v) => parseAgeRange(v) !== null, { message: t('segments.criteria.age_range') }).optional(),
    user_type: z.enum(USER_TYPES).optional(),
  }).strict(),
  behavioral: z.object({
    purchase_frequency: z.enum(FREQUENCIES).optional(),
    engagement_level: z.enum(ENGAGEMENT_LEVELS).optional(),
    preferred_channel: z.enum(CHANNEL_TYPES).optional(),
  }).strict(),
  engagement: z.object({
    last_interaction_days: days.optional(),
    message_count_threshold: count.optional(),
    response_rate_min: z.number().min(0).max(1).optional(),
  }).strict(),
  transactional: z.object({
    total_purchases: count.optional(),
    total_spent: money.optional(),
    last_purchase_days: days.optional(),
  }).strict(),
};

const scoreRange = z.object({ min: z.number().min(0).max(1e12).optional(), max: z.number().min(0).max(1e12).optional() }).strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: t('segments.criteria.score_empty') })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: t('segments.criteria.min_max') });

const scoreSchema = z.object(Object.fromEntries(SCORE_TYPES.map((s) => [s, scoreRange.optional()])) as Record<ScoreType, z.ZodOptional<typeof scoreRange>>).strict();

const nonEmpty = (v: object) => Object.values(v).some((x) => x !== undefined);

export const criteriaSchema: z.ZodType<Criteria> = z.lazy(() =>
  z.object({
    demographic: groupSchemas.demographic.refine(nonEmpty, { message: t('segments.criteria.empty_group') }).optional(),
    behavioral: groupSchemas.behavioral.refine(nonEmpty, { message: t('segments.criteria.empty_group') }).optional(),
    engagement: groupSchemas.engagement.refine(nonEmpty, { message: t('segments.criteria.empty_group') }).optional(),
    transactional: groupSchemas.transactional.refine(nonEmpty, { message: t('segments.criteria.empty_group') }).optional(),
    score: scoreSchema.refine(nonEmpty, { message: t('segments.criteria.empty_group') }).optional(),
    all: z.array(criteriaSchema).min(1).max(20).optional(),
    any: z.array(criteriaSchema).min(1).max(20).optional(),
    not: criteriaSchema.optional(),
  }).strict().refine(nonEmpty, { message: t('segments.criteria.empty') }),
) as z.ZodType<Criteria>;

/** Valid keys at a path, for the "unknown key" message. */
function validKeysAt(path: readonly PropertyKey[]): readonly string[] {
  const last = [...path].reverse().find((p) => typeof p === 'string' && !COMBINATORS.includes(p as never));
  if (last && last in GROUP_KEYS) return GROUP_KEYS[last as GroupName];
  if (last === 'score') return SCORE_TYPES;
  if (typeof last === 'string' && (SCORE_TYPES as readonly string[]).includes(last)) return ['min', 'max'];
  return TOP_KEYS;
}

const esErrors = z.locales.es().localeError;

/** Validates criteria; a ValidationError with Spanish sentences (valid keys listed) otherwise. */
export function validateCriteria(input: unknown): Criteria {
  const depth = (v: unknown, d: number): number =>
    d > 8 ? d : v && typeof v === 'object' ? Math.max(d, ...Object.values(v as object).map((x) => depth(x, d + 1))) : d;
  if (depth(input, 0) > 8) throw new ValidationError(t('segments.criteria.too_deep'), undefined, 'INVALID_CRITERIA');
  const parsed = criteriaSchema.safeParse(input, { error: esErrors });
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.map(String).join('.') || t('segments.criteria.root');
    if (issue.code === 'unrecognized_keys') {
      return t('segments.criteria.unknown_key', { keys: issue.keys.join(', ').slice(0, 80), where, valid: validKeysAt(issue.path).join(', ') });
    }
    return t('segments.criteria.invalid', { where, detail: issue.message });
  });
  throw new ValidationError(lines.join('\n'), undefined, 'INVALID_CRITERIA');
}

const KEY_GROUP: Record<string, GroupName> = Object.fromEntries(GROUPS.flatMap((g) => GROUP_KEYS[g].map((k) => [k, g])));
const NUMERIC_KEYS = new Set(['last_interaction_days', 'message_count_threshold', 'response_rate_min', 'total_purchases', 'total_spent', 'last_purchase_days']);

/**
 * `clave=valor` pairs (`last_interaction_days=30 total_spent=1000 churn_risk_min=70`) → the
 * criteria object, each key placed in its group. Unknown keys are refused with the valid list.
 */
export function criteriaFromPairs(pairs: Record<string, string>): Criteria {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [rawKey, value] of Object.entries(pairs)) {
    const key = rawKey.toLowerCase();
    const score = /^(.+)_(min|max)$/.exec(key);
    if (score && (SCORE_TYPES as readonly string[]).includes(score[1]!)) {
      const num = Number(value.replace(',', '.'));
      ((out.score ??= {})[score[1]!] ??= {} as Record<string, unknown>);
      (out.score[score[1]!] as Record<string, unknown>)[score[2]!] = value.trim() === '' || !Number.isFinite(num) ? value : num;
      continue;
    }
    const group = KEY_GROUP[key];
    if (!group) {
      const valid = [...Object.keys(KEY_GROUP), ...SCORE_TYPES.map((s) => `${s}_min|_max`)].join(', ');
      throw new ValidationError(t('segments.criteria.unknown_pair', { key: rawKey.slice(0, 40), valid }), undefined, 'INVALID_CRITERIA');
    }
    const num = Number(value.replace(',', '.'));
    (out[group] ??= {})[key] = NUMERIC_KEYS.has(key) && value.trim() !== '' && Number.isFinite(num) ? num : value;
  }
  return validateCriteria(out);
}

/** Criteria typed in chat: JSON (`{"engagement":{…}}`) or `clave=valor` pairs. */
export function parseCriteriaText(text: string, pairs: Record<string, string>): Criteria {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed.replace(/[“”„«»]/g, '"'));
    } catch {
      throw new ValidationError(t('segments.criteria.bad_json'), undefined, 'INVALID_CRITERIA');
    }
    if (Object.keys(pairs).length) throw new ValidationError(t('segments.criteria.json_and_pairs'), undefined, 'INVALID_CRITERIA');
    return validateCriteria(json);
  }
  if (!Object.keys(pairs).length) throw new ValidationError(t('segments.criteria.missing'), undefined, 'INVALID_CRITERIA');
  return criteriaFromPairs(pairs);
}

/** The PRD's rule_type: the single group used, otherwise `custom`. */
export function ruleTypeOf(c: Criteria): 'demographic' | 'behavioral' | 'engagement' | 'transactional' | 'custom' {
  const keys = Object.keys(c).filter((k) => c[k as keyof Criteria] !== undefined);
  return keys.length === 1 && (GROUPS as string[]).includes(keys[0]!) ? (keys[0] as GroupName) : 'custom';
}

/** Every leaf condition, in document order (explain, and the compiler's CTE selection). */
export type Leaf =
  | { group: GroupName; key: string; value: string | number }
  | { group: 'score'; key: ScoreType; value: ScoreRange };

export function leavesOf(c: Criteria): Leaf[] {
  const out: Leaf[] = [];
  for (const g of GROUPS) {
    for (const [key, value] of Object.entries(c[g] ?? {})) if (value !== undefined) out.push({ group: g, key, value: value as string | number });
  }
  for (const [key, value] of Object.entries(c.score ?? {})) if (value) out.push({ group: 'score', key: key as ScoreType, value });
  for (const sub of c.all ?? []) out.push(...leavesOf(sub));
  for (const sub of c.any ?? []) out.push(...leavesOf(sub));
  if (c.not) out.push(...leavesOf(c.not));
  return out;
}

/** The same criteria with keys in schema order (PostgreSQL's jsonb reorders them), for display. */
export function orderedCriteria(c: Criteria): Criteria {
  const out: Record<string, unknown> = {};
  for (const g of GROUPS) {
    const group = c[g] as Record<string, unknown> | undefined;
    if (group) out[g] = Object.fromEntries(GROUP_KEYS[g].filter((k) => group[k] !== undefined).map((k) => [k, group[k]]));
  }
  if (c.score) out.score = Object.fromEntries(SCORE_TYPES.filter((k) => c.score![k]).map((k) => [k, { ...(c.score![k]!.min !== undefined ? { min: c.score![k]!.min } : {}), ...(c.score![k]!.max !== undefined ? { max: c.score![k]!.max } : {}) }]));
  if (c.all) out.all = c.all.map(orderedCriteria);
  if (c.any) out.any = c.any.map(orderedCriteria);
  if (c.not) out.not = orderedCriteria(c.not);
  return out as Criteria;
}
