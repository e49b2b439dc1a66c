import { z } from 'zod';
import type { CommandAction, RawArgs } from './registry.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { parseDuration } from '../../config.ts';
import { t } from '../../shared/i18n/index.ts';
import { ValidationError } from '../../shared/errors.ts';

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

/**
 * An integer typed in a command: decimal digits only. `z.coerce.number()` would also take
 * `1e2`, `0x10`, ` 7 `, `1_0` or `Infinity`; a person typing a number means none of them.
 * `message` is the whole explanation (range and an example), shown for any wrong value.
 */
export function zDecimalInt(opts: { min: number; max: number; message: () => string }) {
  return z.string().transform((v, ctx) => {
    const n = /^\d{1,15}$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < opts.min || n > opts.max) {
      ctx.addIssue({ code: 'custom', message: opts.message() });
      return z.NEVER;
    }
    return n;
  });
}

const DURATION = /^(\d{1,6})([smhd])$/i;
const DAY_WORDS: Record<string, number> = { hoy: 0, today: 0, ayer: 1, yesterday: 1 };

/** Whether a word is meant as a date or period (even a wrong one such as `2026-02-30`), not a phone. */
export function looksLikeSince(v: string): boolean {
  const text = v.trim().toLowerCase();
  return /^\d+[smhd]$/.test(text) || /^\d{4}-\d{1,2}-\d{1,2}/.test(text) || Object.hasOwn(DAY_WORDS, text);
}

/** The wall-clock fields of `at` in `timeZone` (the system zone when undefined). */
function wallClock(at: Date, timeZone: string | undefined): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** A wall-clock time in `timeZone` → the instant; null for impossible dates (2026-02-30, 25:00). */
export function zonedTime(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone?: string): Date | null {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  const offsetAt = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(t / 1000) * 1000;
  };
  // Twice: the offset at the first guess may differ across a DST change.
  const first = wall - offsetAt(wall);
  return new Date(wall - offsetAt(first));
}

/**
 * `2026-11-01`, `2026-11-01 10:00` (in the configured time zone), `hoy`, `ayer`, or a look-back
 * such as `24h` or `7d` relative to `now`. Null when it is none of them or not a real date.
 */
export function parseSince(v: string, now: Date, timeZone?: string): Date | null {
  const text = v.trim().toLowerCase();
  const back = DURATION.exec(text);
  if (back) {
    const ms = parseDuration(text);
    return ms === null ? null : new Date(now.getTime() - ms);
  }
  if (Object.hasOwn(DAY_WORDS, text)) {
    const today = wallClock(now, timeZone);
    const day = new Date(Date.UTC(today.y, today.mo - 1, today.d - DAY_WORDS[text]!));
    return zonedTime(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), 0, 0, 0, timeZone);
  }
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  return zonedTime(y, mo, d, h, mi, sec, timeZone);
}

/** A date word → the instant; a polite error naming it when it is not a real date. */
export function parseDateArg(value: string, now: Date, timeZone: string | undefined): Date {
  const at = parseSince(value, now, timeZone);
  if (!at) throw new ValidationError(t('admin.args.date', { value: value.slice(0, 30) }));
  return at;
}

/** `hasta`: a day includes all of it (`2026-11-30` → up to 2026-12-01 00:00); other forms are instants. */
export function parseUntilArg(value: string, now: Date, timeZone: string | undefined): Date {
  const at = parseDateArg(value, now, timeZone);
  // Day forms parse to the day's start: the end is the next local midnight (36 h later is
  // always inside the next day, even across a 23 h or 25 h day).
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(value.trim()) || /^(hoy|ayer|today|yesterday)$/i.test(value.trim())) {
    return parseSince(localDayAfter(at, timeZone), now, timeZone)!;
  }
  return at;
}

function localDayAfter(d: Date, timeZone: string | undefined): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(d.getTime() + 36 * 3_600_000)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}
