import type { Caller } from '../identity/rbac.service.ts';
import { t } from '../../shared/i18n/index.ts';
import type { CommandDef, CommandRegistry, ResolvedAction } from './registry.ts';

/** Help is generated from the registry, filtered by what the caller may run. */

function flags(leaf: ResolvedAction): string {
  const out: string[] = [];
  if (leaf.action.sensitive) out.push(t('admin.help.flag_sensitive'));
  if (leaf.action.longRunning) out.push(t('admin.help.flag_long'));
  return out.length ? ` (${out.join(', ')})` : '';
}

export function usageBlock(leaf: ResolvedAction): string {
  const lines = [t('admin.help.usage', { usage: leaf.action.usage })];
  if (leaf.action.examples[0]) lines.push(t('admin.help.example', { example: leaf.action.examples[0] }));
  return lines.join('\n');
}

/** `/ayuda`: one line per runnable action. */
export function generalHelp(registry: CommandRegistry, caller: Caller): string {
  const lines = registry.allowedLeaves(caller).map((l) => `• ${l.action.usage} — ${l.action.description}${flags(l)}`);
  return [t('admin.help.title', { role: caller.roleName ?? '' }), '', ...lines, '', t('admin.help.footer')].join('\n');
}

/** `/ayuda <comando>`: description, aliases, and usage + examples of each action the caller may run. */
export function commandHelp(registry: CommandRegistry, caller: Caller, def: CommandDef): string {
  const lines = [`*/${def.name}* — ${def.description}`];
  if (def.aliases?.length) lines.push(t('admin.help.aliases', { aliases: def.aliases.map((a) => `/${a}`).join(', ') }));
  for (const leaf of registry.leaves(def).filter((l) => registry.allows(caller, l))) {
    lines.push('', `• ${leaf.action.usage} — ${leaf.action.description}${flags(leaf)}`);
    if (leaf.sub?.aliases?.length) lines.push(`  ${t('admin.help.aliases', { aliases: leaf.sub.aliases.join(', ') })}`);
    for (const ex of leaf.action.examples) lines.push(`  ${t('admin.help.example', { example: ex })}`);
  }
  return lines.join('\n');
}
