import { ValidationError } from '../../../shared/errors.ts';
import { formatNumber, t } from '../../../shared/i18n/index.ts';
import { parseCriteriaText, type Criteria } from '../../segments/criteria.ts';
import type { SegmentType } from '../../segments/segments.service.ts';
import { parseArgs } from '../parser.ts';

/**
 * What `/segmento …` types, turned into values: a segment name (quoted when it has spaces),
 * criteria as JSON or `clave=valor` pairs, `tipo=`, pages and phone lists. Errors are Spanish.
 */

const TYPES: Record<string, SegmentType> = { manual: 'manual', dinamico: 'dynamic', dinámico: 'dynamic', dynamic: 'dynamic', hibrido: 'hybrid', híbrido: 'hybrid', hybrid: 'hybrid' };
export const TYPE_NAMES: Record<SegmentType, string> = { manual: 'manual', dynamic: 'dinámico', hybrid: 'híbrido' };

function words(text: string): { positional: string[]; options: Record<string, string> } {
  const parsed = parseArgs(text);
  if (!parsed.ok) throw new ValidationError(parsed.message, undefined, 'INVALID_ARGS');
  return { positional: parsed.positional, options: parsed.options };
}

/** `<nombre> <criterios> [tipo=…] [descripcion=…]` → the pieces of a new segment. */
export function parseCreate(text: string): { name: string; type: SegmentType; criteria: Criteria | null; description: string | null } {
  // JSON runs from the first `{` to the last `}`; options may come before or after it.
  const brace = text.indexOf('{');
  const close = text.lastIndexOf('}');
  const json = brace >= 0 ? text.slice(brace, close > brace ? close + 1 : undefined) : '';
  const head = brace >= 0 ? `${text.slice(0, brace)} ${close > brace ? text.slice(close + 1) : ''}` : text;
  const { positional, options } = words(head);
  const name = positional.join(' ').trim();
  if (!name) throw new ValidationError(t('admin.args.missing', { name: 'nombre' }), undefined, 'INVALID_ARGS');
  const typeWord = options.tipo ?? options.type;
  const type = typeWord === undefined ? null : TYPES[typeWord.toLowerCase()];
  if (type === undefined) throw new ValidationError(t('segments.bad_type', { value: String(typeWord).slice(0, 30) }), undefined, 'INVALID_ARGS');
  const description = options.descripcion ?? options.description ?? null;
  const pairs = Object.fromEntries(Object.entries(options).filter(([k]) => !['tipo', 'type', 'descripcion', 'description'].includes(k)));
  const hasCriteria = brace >= 0 || Object.keys(pairs).length > 0;
  const resolved: SegmentType = type ?? (hasCriteria ? 'dynamic' : 'manual');
  const criteria = hasCriteria ? parseCriteriaText(json, pairs) : null;
  return { name, type: resolved, criteria, description };
}

/** Criteria alone (`vista-previa`). */
export function parseCriteriaArg(text: string): Criteria {
  const trimmed = text.trim();
  return parseCriteriaText(trimmed, trimmed.startsWith('{') ? {} : words(trimmed).options);
}

/** `<nombre> [página]`: a trailing number is the page. */
export function parseNameAndPage(text: string): { name: string; page: number } {
  const { positional, options } = words(text);
  let page = 1;
  const last = positional[positional.length - 1];
  if (positional.length > 1 && /^\d{1,6}$/.test(last ?? '')) {
    page = Number(positional.pop());
  }
  if (options.pagina ?? options.page) page = Number(options.pagina ?? options.page);
  if (!Number.isInteger(page) || page < 1) throw new ValidationError(t('admin.args.invalid', { name: 'página', detail: 'debe ser un número entero desde 1' }), undefined, 'INVALID_ARGS');
  const name = positional.join(' ').trim();
  if (!name) throw new ValidationError(t('admin.args.missing', { name: 'nombre' }), undefined, 'INVALID_ARGS');
  return { name, page };
}

/** `<nombre> <resto…>`: the first word (or quoted text) is the name. */
export function parseNameAndRest(text: string, restName: string): { name: string; rest: string } {
  const { positional } = words(text);
  const [name, ...rest] = positional;
  if (!name) throw new ValidationError(t('admin.args.missing', { name: 'nombre' }), undefined, 'INVALID_ARGS');
  if (!rest.length) throw new ValidationError(t('admin.args.missing', { name: restName }), undefined, 'INVALID_ARGS');
  return { name, rest: rest.join(' ') };
}

/** Phones separated by commas or semicolons (then spaces inside a number are fine), or by spaces. */
export function splitPhones(rest: string): string[] {
  return (/[,;]/.test(rest) ? rest.split(/[,;]/) : rest.split(/\s+/)).map((p) => p.trim()).filter(Boolean);
}

const REASONS: Record<string, string> = {
  rule: t('segments.reason.rule'), manual: t('segments.reason.manual'),
  'rule (reactivated)': t('segments.reason.rule_again'), 'manual (reactivated)': t('segments.reason.manual_again'),
};
/** A member's `reason_joined` in words (unknown values shown as stored). */
export const reasonText = (r: string | null | undefined): string => (r ? (REASONS[r] ?? r) : '');

export const fmtDate = (d: Date | string | null | undefined): string => (d ? new Date(d).toISOString().slice(0, 10) : t('segments.never'));
export const fmtMoney = (n: number): string => formatNumber(Math.round(n * 100) / 100);
