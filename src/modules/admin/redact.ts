import { REDACTED } from '../identity/audit-hash.ts';
import { firstWord, splitHead, unquoteWord } from './parser.ts';
import type { CommandRegistry } from './registry.ts';

/**
 * The text of a command as it may be stored (conversation log, recordings): everything after
 * the command of an action with secret arguments is replaced, so `/seguridad clave hunter2…`
 * is kept as `/seguridad clave [redactado]`. Other text is returned unchanged.
 */
export function redactCommandText(registry: CommandRegistry, text: string): string {
  const head = splitHead(text);
  if (!head?.name) return text;
  const def = registry.find(head.name);
  if (!def) return text;
  // Looked up exactly as the router does (quotes dropped), or a quoted `«clave»` would run unredacted.
  const { word: typed, rest } = firstWord(head.rest);
  const word = unquoteWord(typed);
  const sub = def.subcommands?.length && word ? registry.findSub(def, word) : undefined;
  const action = sub ?? def.action;
  if (!action?.secretArgs?.length) return text;
  const args = sub ? rest : head.rest;
  if (!args.trim()) return text;
  return `/${head.rawName}${sub ? ` ${word}` : ''} ${REDACTED}`;
}
