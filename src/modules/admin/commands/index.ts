import type { CommandDef } from '../registry.ts';
import { ayudaCommand } from './ayuda.command.ts';
import { rolCommand } from './rol.command.ts';
import { usuarioCommand } from './usuario.command.ts';
import { auditoriaCommand } from './auditoria.command.ts';
import { confirmarCommand } from './confirmar.command.ts';
import { cancelarCommand } from './cancelar.command.ts';
import { seguridadCommand } from './seguridad.command.ts';
import { segmentoCommand } from './segmento.command.ts';
import { clienteCommand } from './cliente.command.ts';
import { pedidoCommand } from './pedido.command.ts';
import { plantillaCommand } from './plantilla.command.ts';
import { archivoCommand } from './archivo.command.ts';
import { reporteCommand } from './reporte.command.ts';
import { grupoCommand } from './grupo.command.ts';

/**
 * Every chat command, in the order /ayuda lists them. Adding a command: write
 * `<name>.command.ts` next to this file and add it here (one import, one entry).
 */
export const commandDefs: readonly CommandDef[] = [
  ayudaCommand,
  rolCommand,
  usuarioCommand,
  auditoriaCommand,
  seguridadCommand,
  segmentoCommand,
  clienteCommand,
  pedidoCommand,
  plantillaCommand,
  archivoCommand,
  grupoCommand,
  confirmarCommand,
  cancelarCommand,
  reporteCommand,
];
