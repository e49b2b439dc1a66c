import type { CommandRegistry } from './registry.ts';

/**
 * The README's admin command reference, generated from the registry (the same data /ayuda
 * uses), so the documentation cannot drift from the commands.
 */
export function renderCommandReferenceMarkdown(registry: CommandRegistry): string {
  const rows = registry
    .all()
    .flatMap((d) => registry.leaves(d))
    .map((leaf) => {
      const notes = [leaf.action.sensitive ? 'pide confirmación (código o TOTP)' : '', leaf.action.longRunning ? 'responde al terminar' : '']
        .filter(Boolean)
        .join('; ');
      const aliases = [...(leaf.command.aliases ?? []).map((a) => `/${a}`), ...(leaf.sub?.aliases ?? [])].join(', ');
      const cells = [
        `\`${leaf.action.usage}\``,
        leaf.action.permission ? `\`${leaf.action.permission}\`` : 'cualquier miembro del equipo',
        `${leaf.action.description}${notes ? ` — *${notes}*` : ''}`,
        leaf.action.examples.map((e) => `\`${e}\``).join('<br>'),
        aliases,
      ];
      return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    });
  return ['| comando | permiso | qué hace | ejemplo | alias |', '|---|---|---|---|---|', ...rows].join('\n');
}
