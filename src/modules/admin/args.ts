import { z } from 'zod';
import type { CommandAction, RawArgs } from './registry.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { parseDuration } from '../../config.ts';
import { t } from '../../shared/i18n/index.ts';

/**
 * From typed words to validated arguments: positional words are named by the action's
 * `params`, options pass through, and the zod schema decides. Errors are Spanish sentences
 * naming the argument and what was expected.
 */

const esErrors = z.locales.es().localeError;

export type BuiltArgs = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

export function buildArgs(action: CommandAction<any>, raw: RawArgs): BuiltArgs {
  const params = action.params ?? [];
  const input: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(raw.options)) input[k] = v;
  if (action.rawArgs) {
    const name = (params[0] ?? 'texto').replace(/^\.\.\./, '');
    const text = (raw.text ?? raw.positional.join(' ')).trim();
    input[name] = text === '' ? undefined : text;
  } else {
    let i = 0;
    for (const [pi, param] of params.entries()) {
      const rest = param.startsWith('...');
      const name = rest ? param.slice(3) : param;
      let value = rest ? raw.positional.slice(i).join(' ') || undefined : raw.positional[i];
      if (name === 'telefono' && value !== undefined) {
        // Phones are pasted as "+34 600 00 00 01": digit groups that follow belong to the number.
        const needAfter = params.length - pi - 1;
        while (raw.positional.length - (i + 1) > needAfter && /^\d{1,6}$/.test(raw.positional[i + 1]!)) {
          value += raw.positional[++i]!;
        }
      }
      if (value !== undefined && Object.hasOwn(raw.options, name)) {
        return { ok: false, message: t('admin.args.twice', { name }) };
      }
      if (value !== undefined) input[name] = value;
      i = rest ? raw.positional.length : i + 1;
    }
    if (raw.positional.length > i) {
      return { ok: false, message: t('admin.args.extra', { extra: raw.positional.slice(i).join(' ').slice(0, 60) }) };
    }
  }
  const parsed = (action.args as z.ZodType).safeParse({ ...input }, { error: esErrors, reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
  const lines = parsed.error.issues.slice(0, 3).map((issue) => {
    const name = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys') return t('admin.args.unknown_option', { keys: issue.keys.join(', ').slice(0, 80) });
    if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return t('admin.args.missing', { name });
    return name ? t('admin.args.invalid', { name, detail: issue.message }) : issue.message;
  });
  return { ok: false, message: lines.join('\n') };
}

/** A phone number with country code → digits (`+34 600 000 001` → `34600000001`). */
export const zPhone = z.string().transform((v, ctx) => {
  const digits = normalizePhone(v);
  if (!digits) {
    ctx.addIssue({ code: 'custom', message: t('admin.args.phone', { value: v.slice(0, 30) }) });
    return z.NEVER;
  }
  return digits;
});

/** `2026-11-01`, `2026-11-01T10:00`, or a look-back such as `24h` or `7d`, relative to `now`. */
export function parseSince(v: string, now: Date): Date | null {
  const text = v.trim();
  if (/^\d{1,6}[smhd]$/i.test(text)) {
    const back = parseDuration(text);
    return back === null ? null : new Date(now.getTime() - back);
  }
  if (!/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/.test(text)) return null;
  const d = new Date(text.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Validates a `desde` argument's shape; the command converts it with its own `now`. */
export const zSince = z.string().refine((v) => parseSince(v, new Date(0)) !== null, {
  error: (issue: { input?: unknown }) => t('admin.args.date', { value: String(issue.input).slice(0, 30) }),
});
