import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { defineAction, defineCommand } from '../registry.ts';
import { commandHelp, generalHelp } from '../help.ts';
import { suggest } from '../suggest.ts';

/** `/ayuda [comando]`: generated from the registry, showing only what the caller may run. */
export const ayudaCommand = defineCommand({
  name: 'ayuda',
  aliases: ['help', 'comandos', 'commands'],
  description: 'Muestra los comandos que puedes usar',
  action: defineAction({
    description: 'Lista tus comandos, o explica uno con ejemplos',
    permission: null,
    params: ['comando', 'subcomando'],
    args: z.object({ comando: z.string().optional(), subcomando: z.string().optional() }).strict(),
    usage: '/ayuda [comando]',
    examples: ['/ayuda', '/ayuda rol'],
    async run({ args, registry, caller }) {
      if (!args.comando) return [text(generalHelp(registry, caller))];
      const name = args.comando.replace(/^\//, '');
      const def = registry.find(name);
      const visible = registry.all().filter((d) => registry.leaves(d).some((l) => registry.allows(caller, l)));
      if (def && visible.includes(def)) return [text(commandHelp(registry, caller, def))];
      const best = suggest(name, visible.flatMap((d) => [d.name, ...(d.aliases ?? [])]));
      const target = best ? registry.find(best)!.name : null;
      return [text(target ? t('admin.help.unknown_suggest', { command: name.slice(0, 40), suggestion: target }) : t('admin.help.unknown', { command: name.slice(0, 40) }))];
    },
  }),
});
