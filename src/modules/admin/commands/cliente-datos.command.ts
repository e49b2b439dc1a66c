import { chatActor } from '../actor.ts';
import { findClient } from '../../messaging/client-lookup.ts';
import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { defineSubcommand } from '../registry.ts';
import { zPhone } from '../args.ts';

/**
 * The client's data rights: `/cliente exportar`, `/cliente olvidar` and `/cliente retencion`,
 * sub-commands of the `/cliente <telefono>` profile command (cliente.command.ts).
 */

const phoneArgs = z.object({ telefono: zPhone }).strict();

export const clienteDatosSubcommands = [
  defineSubcommand({
    name: 'exportar',
    aliases: ['export', 'descargar-datos'],
    description: 'Te envía un zip con todos los datos del cliente (JSON y HTML legible)',
    permission: 'clients.export',
    sensitive: true,
    longRunning: true,
    params: ['telefono'],
    args: phoneArgs,
    usage: '/cliente exportar <telefono>',
    examples: ['/cliente exportar +34600000001'],
    async summarize({ em, args }) {
      const client = await findClient(em, args.telefono);
      return t('privacy.summary_export', { phone: args.telefono, name: client.nombre ?? '—' });
    },
    async run({ em, args, services, caller }) {
      const client = await findClient(em, args.telefono);
      const result = await services.privacy.exportClient(em, chatActor(caller), client.id);
      return [{ kind: 'document', path: result.path, fileName: result.fileName, mimetype: 'application/zip', caption: t('privacy.export_done', { phone: args.telefono, sections: Object.keys(result.sections).length, files: result.files }) }];
    },
  }),
  defineSubcommand({
    name: 'olvidar',
    aliases: ['forget', 'borrar', 'erase'],
    description: 'Borra o anonimiza todos los datos personales del cliente (derecho al olvido)',
    permission: 'clients.erase',
    sensitive: true,
    params: ['telefono'],
    args: phoneArgs,
    usage: '/cliente olvidar <telefono>',
    examples: ['/cliente olvidar +34600000001'],
    // The result row is written after the erasure: it must not name the person again.
    target: () => null,
    async summarize({ em, args }) {
      const client = await findClient(em, args.telefono);
      if (client.legalHold) throw new ConflictError(t('privacy.legal_hold'), 'LEGAL_HOLD');
      return t('privacy.summary_erase', { phone: args.telefono, name: client.nombre ?? '—' });
    },
    async run({ em, args, services, caller, auditNotes }) {
      const client = await findClient(em, args.telefono);
      const result = await services.privacy.eraseClient(em, chatActor(caller), client.id);
      Object.assign(auditNotes, { clienteId: client.id });
      const rows = Object.values(result.deletedRows).reduce((a, b) => a + b, 0);
      return [text(t('privacy.erased', { id: client.id, rows, files: result.filesDeleted, mentions: result.scrubbedColumns }))];
    },
  }),
  defineSubcommand({
    name: 'retencion',
    aliases: ['hold', 'retencion-legal'],
    description: 'Activa o quita la retención legal: sus archivos no caducan y sus datos no se pueden borrar',
    permission: 'clients.erase',
    params: ['telefono', 'estado'],
    args: z.object({ telefono: zPhone, estado: z.enum(['si', 'sí', 'no'], { error: () => t('privacy.hold_value') }) }).strict(),
    usage: '/cliente retencion <telefono> <si|no>',
    examples: ['/cliente retencion +34600000001 si'],
    async run({ em, args, services, auditNotes }) {
      const client = await findClient(em, args.telefono);
      const on = args.estado !== 'no';
      const from = await services.privacy.setLegalHold(em, client.id, on);
      Object.assign(auditNotes, { from, to: on });
      return [text(t(on ? 'privacy.hold_on' : 'privacy.hold_off', { phone: args.telefono }))];
    },
  }),
];


