import { defineCommand } from '../registry.ts';
import { reporteGrupoSubcommand } from '../../groups/reporte-grupo.subcommand.ts';

/**
 * Stand-in `/reporte` holding only the group participation report until issue 12's `/reporte`
 * lands. Merging: delete this file and its line in index.ts, and add `reporteGrupoSubcommand`
 * to the real command's `subcommands`.
 */
export const reporteCommand = defineCommand({
  name: 'reporte',
  aliases: ['reportes', 'report', 'informe'],
  description: 'Informes',
  subcommands: [reporteGrupoSubcommand],
});
