import { t } from '../../shared/i18n/index.ts';

/**
 * The one command-line parser: `/name pos1 "quoted pos" key=value key="quoted value"`.
 * Phones type “smart quotes”, so every common opening and closing quote mark is accepted.
 * It never throws: malformed input comes back as a ParseError with a Spanish message.
 */

export const MAX_COMMAND_LENGTH = 4000;
export const MAX_TOKENS = 60;

export interface ParsedCommand {
  /** Lower-case, accents stripped: `/Campaña` → `campana`. */
  name: string;
  /** As typed (cut to 40 characters), for messages. */
  rawName: string;
  positional: string[];
  /** Keys normalized like names; values verbatim. */
  options: Record<string, string>;
}

export type ParseErrorCode = 'not_a_command' | 'empty' | 'too_long' | 'too_many_tokens' | 'unbalanced_quote' | 'duplicate_option';

export interface ParseError {
  code: ParseErrorCode;
  message: string;
  /** The command name, when it could be read before the error (to show its usage). */
  name?: string;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: ParseError };

/** `Campaña` → `campana`: lower case without diacritics, for names, aliases and option keys. */
export function normalizeWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

const OPENERS: Record<string, string> = { '"': '"”“', '“': '”"“', '”': '”"“', '„': '“”"', '«': '»' };
const OPTION_KEY = /^[\p{L}\p{N}_.-]{1,40}$/u;

interface Token {
  text: string;
  /** Index of the first `=` typed outside quotes, or -1. */
  eq: number;
}

function tokenize(input: string): { tokens: Token[] } | { error: 'unbalanced_quote'; near: string } {
  const tokens: Token[] = [];
  let cur: Token | null = null;
  const chars = [...input];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (/\s/u.test(ch)) {
      if (cur) tokens.push(cur);
      cur = null;
      continue;
    }
    cur ??= { text: '', eq: -1 };
    const closers = OPENERS[ch];
    if (closers) {
      const start = i;
      let closed = false;
      for (i = i + 1; i < chars.length; i++) {
        const c = chars[i]!;
        if (c === '\\' && i + 1 < chars.length && (OPENERS[chars[i + 1]!] || closers.includes(chars[i + 1]!))) {
          cur.text += chars[++i];
        } else if (closers.includes(c)) {
          closed = true;
          break;
        } else {
          cur.text += c;
        }
      }
      if (!closed) return { error: 'unbalanced_quote', near: chars.slice(start, start + 20).join('') };
      continue;
    }
    if (ch === '=' && cur.eq < 0) cur.eq = cur.text.length;
    cur.text += ch;
  }
  if (cur) tokens.push(cur);
  return { tokens };
}

export interface CommandHead {
  name: string;
  rawName: string;
  /** Everything after the command word, untouched (for commands that take raw text). */
  rest: string;
}

/** Reads `/name` without tokenizing the rest; null when the text is not a slash command. */
export function splitHead(input: unknown): CommandHead | null {
  const text = typeof input === 'string' ? input.trim() : '';
  if (!text.startsWith('/')) return null;
  const word = text.slice(1).split(/\s/u, 1)[0] ?? '';
  // Names are short; a huge first word is cut before any Unicode work on it.
  const shown = [...word.slice(0, 80)].slice(0, 40).join('').toWellFormed();
  return { name: normalizeWord(shown), rawName: shown, rest: text.slice(1 + word.length) };
}

/** Splits off the first whitespace-separated word of `text` (for sub-command lookup). */
export function firstWord(text: string): { word: string; rest: string } {
  const trimmed = text.replace(/^\s+/u, '');
  const word = trimmed.split(/\s/u, 1)[0] ?? '';
  return { word, rest: trimmed.slice(word.length) };
}

const QUOTE_MARKS = new Set([...Object.keys(OPENERS), ...Object.values(OPENERS).join('')]);

/**
 * A sub-command word as the person meant it: `«ver»` or `"ver"` is `ver`. Quote marks around
 * (or left over at either end of) the word are dropped, so lookups work and messages that
 * quote the word do not show it quoted twice.
 */
export function unquoteWord(word: string): string {
  const chars = [...word];
  let a = 0;
  let b = chars.length;
  while (a < b && QUOTE_MARKS.has(chars[a]!)) a++;
  while (b > a && QUOTE_MARKS.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

export type ArgsResult =
  | { ok: true; positional: string[]; options: Record<string, string> }
  | { ok: false; code: ParseErrorCode; message: string };

/** Tokenizes the arguments: quoted strings, `key=value` options, the rest positional. */
export function parseArgs(rest: string): ArgsResult {
  const fail = (code: ParseErrorCode, vars: Record<string, string | number> = {}): ArgsResult => ({
    ok: false,
    code,
    message: t(`admin.parse.${code}`, vars),
  });
  if (rest.length > MAX_COMMAND_LENGTH) return fail('too_long', { max: MAX_COMMAND_LENGTH });
  const lexed = tokenize(rest);
  if ('error' in lexed) return fail('unbalanced_quote', { near: lexed.near });
  if (lexed.tokens.length > MAX_TOKENS) return fail('too_many_tokens', { max: MAX_TOKENS });
  const positional: string[] = [];
  // Null prototype: a key such as `__proto__=x` must stay a plain (rejected) option.
  const options: Record<string, string> = Object.create(null);
  for (const tok of lexed.tokens) {
    const key = tok.eq > 0 ? tok.text.slice(0, tok.eq) : '';
    if (key && OPTION_KEY.test(key)) {
      const k = normalizeWord(key);
      if (Object.hasOwn(options, k)) return fail('duplicate_option', { key: k });
      options[k] = tok.text.slice(tok.eq + 1);
    } else {
      positional.push(tok.text);
    }
  }
  return { ok: true, positional, options };
}

/** Head + arguments in one go (what tests and tools use; the router works in two steps). */
export function parseCommand(input: string): ParseResult {
  const head = splitHead(input);
  if (!head) return { ok: false, error: { code: 'not_a_command', message: t('admin.parse.not_a_command') } };
  if (!head.name) return { ok: false, error: { code: 'empty', message: t('admin.parse.empty') } };
  if (input.trim().length > MAX_COMMAND_LENGTH) {
    return { ok: false, error: { code: 'too_long', message: t('admin.parse.too_long', { max: MAX_COMMAND_LENGTH }), name: head.name } };
  }
  const args = parseArgs(head.rest);
  if (!args.ok) return { ok: false, error: { code: args.code, message: args.message, name: head.name } };
  return { ok: true, command: { name: head.name, rawName: head.rawName, positional: args.positional, options: args.options } };
}
