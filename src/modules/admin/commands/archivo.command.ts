import { chatActor } from '../actor.ts';
import { findClient } from '../../messaging/client-lookup.ts';
import { z } from 'zod';
import { text, type Reply } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { FILE_TYPES } from '../../files/client-file-storage.entity.ts';
import { ARCHIVE_FORMATS } from '../../files/archive.ts';
import type { OpenedFile } from '../../files/file-access.service.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { parseDateArg, parseUntilArg, zPhone } from '../args.ts';
import { formatDateTime } from '../format.ts';

const zId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: (i) => t('files.bad_id', { id: String(i.input).slice(0, 40) }) });

async function asReply(file: OpenedFile, caption: string): Promise<Reply> {
  const parts: Buffer[] = [];
  for await (const c of file.stream) parts.push(c as Buffer);
  const buffer = Buffer.concat(parts);
  return file.mimeType.startsWith('image/')
    ? { kind: 'image', buffer, mimetype: file.mimeType, caption }
    : { kind: 'document', buffer, fileName: file.fileName, mimetype: file.mimeType, caption };
}

/** `/archivo …`: a client's files, conversation archives, backups and who read them. */
export const archivoCommand = defineCommand({
  name: 'archivo',
  aliases: ['archivos', 'file', 'files'],
  description: 'Archivos, archivos de conversación y respaldos de un cliente',
  subcommands: [
    defineSubcommand({
      name: 'lista',
      aliases: ['list', 'ver'],
      description: 'Lista los archivos de un cliente (tipo y fechas opcionales)',
      permission: 'files.download',
      params: ['telefono', 'tipo', 'desde', 'hasta'],
      args: z.object({ telefono: zPhone, tipo: z.string().max(20).optional(), desde: z.string().max(30).optional(), hasta: z.string().max(30).optional(), pagina: z.coerce.number().int().min(1).max(1000).optional(), archivados: z.enum(['si', 'sí', 'no']).optional() }).strict(),
      usage: '/archivo lista <telefono> [tipo] [desde] [hasta] [pagina=1]',
      examples: ['/archivo lista +34600000001', '/archivo lista +34600000001 image 2026-11-01 2026-11-30'],
      async run({ em, args, services, now }) {
        const tz = services.deps.config.TZ;
        const tipo = args.tipo && args.tipo !== 'todos' ? args.tipo : undefined;
        if (tipo && !FILE_TYPES.includes(tipo as never)) throw new ValidationError(t('files.bad_type', { value: tipo, types: FILE_TYPES.join(', ') }));
        const client = await findClient(em, args.telefono);
        const page = args.pagina ?? 1;
        const res = await services.files.getClientFiles(em, client.id, {
          type: tipo as never, from: args.desde ? parseDateArg(args.desde, now, tz) : undefined, to: args.hasta ? parseUntilArg(args.hasta, now, tz) : undefined,
          archived: args.archivados ? args.archivados !== 'no' : undefined, limit: 20, offset: (page - 1) * 20,
        });
        if (!res.items.length) return [text(t('files.list_empty', { phone: args.telefono }))];
        const lines = res.items.map((f) => t('files.list_line', { id: f.fileId, type: f.fileType, name: f.originalFilename ?? '—', size: f.fileSize ?? 0, at: formatDateTime(f.createdAt, tz), status: f.expiredAt ? t('files.status_expired') : f.downloadStatus }));
        return [text([t('files.list_title', { phone: args.telefono, total: res.total, page }), ...lines].join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'enviar',
      aliases: ['send', 'descargar'],
      description: 'Te envía un archivo (o un archivo de conversación) por el chat',
      permission: 'files.download',
      params: ['id'],
      args: z.object({ id: zId }).strict(),
      usage: '/archivo enviar <fileId|archiveId>',
      examples: ['/archivo enviar 3f2b8c1e-0d6a-4c1e-9a51-2b1f8f0c9d7e'],
      target: (args) => args.id,
      async run({ em, args, services, caller }) {
        const isFile = await services.files.getFileRow(em, args.id);
        const file = isFile ? await services.files.openFile(em, caller, args.id, 'chat') : await services.files.openArchive(em, caller, args.id, 'chat');
        return [await asReply(file, file.fileName)];
      },
    }),
    defineSubcommand({
      name: 'archivar',
      aliases: ['archive'],
      description: 'Guarda la conversación de un periodo en archives/ (json, txt o html; mover=si la saca del registro)',
      permission: 'files.download',
      params: ['telefono', 'desde', 'hasta', 'formato'],
      args: z.object({ telefono: zPhone, desde: z.string().max(30), hasta: z.string().max(30), formato: z.enum(ARCHIVE_FORMATS, { error: () => t('files.bad_format', { value: '', formats: ARCHIVE_FORMATS.join(', ') }) }).optional(), mover: z.enum(['si', 'sí', 'no']).optional() }).strict(),
      usage: '/archivo archivar <telefono> <desde> <hasta> [json|txt|html] [mover=si]',
      examples: ['/archivo archivar +34600000001 2026-01-01 2026-06-30 html', '/archivo archivar +34600000001 2026-01-01 2026-06-30 json mover=si'],
      async run({ em, args, services, caller, now }) {
        const tz = services.deps.config.TZ;
        const client = await findClient(em, args.telefono);
        const { archive, messageCount } = await services.files.archiveConversation(em, chatActor(caller), client.id, {
          from: parseDateArg(args.desde, now, tz), to: parseUntilArg(args.hasta, now, tz), format: args.formato ?? 'json', move: args.mover !== undefined && args.mover !== 'no',
        });
        return [text(t(archive.storageStatus === 'archived' ? 'files.archived_moved' : 'files.archived', { count: messageCount, id: archive.archiveId, format: archive.format }))];
      },
    }),
    defineSubcommand({
      name: 'restaurar',
      aliases: ['restore'],
      description: 'Devuelve al registro los mensajes de un archivo de conversación, tal como estaban',
      permission: 'files.download',
      params: ['archiveId'],
      args: z.object({ archiveId: zId }).strict(),
      usage: '/archivo restaurar <archiveId>',
      examples: ['/archivo restaurar 3f2b8c1e-0d6a-4c1e-9a51-2b1f8f0c9d7e'],
      target: (args) => args.archiveId,
      async run({ em, args, services, caller }) {
        const { restored } = await services.files.restoreArchive(em, chatActor(caller), args.archiveId);
        return [text(t('files.restored', { count: restored }))];
      },
    }),
    defineSubcommand({
      name: 'respaldo',
      aliases: ['backup'],
      description: 'Crea un respaldo del cliente (conversación y archivos en un zip con sumas SHA-256)',
      permission: 'files.download',
      longRunning: true,
      params: ['telefono'],
      args: z.object({ telefono: zPhone }).strict(),
      usage: '/archivo respaldo <telefono>',
      examples: ['/archivo respaldo +34600000001'],
      async run({ em, args, services, caller }) {
        const client = await findClient(em, args.telefono);
        const backup = await services.files.backupClient(em, chatActor(caller), client.id);
        return [text(t('files.backup_done', { entries: backup.entries.length, size: backup.size, name: backup.key.split('/').pop() }))];
      },
    }),
    defineSubcommand({
      name: 'auditoria',
      aliases: ['audit', 'accesos'],
      description: 'Quién leyó los archivos de un cliente, y cuándo',
      permission: 'audit.read',
      params: ['telefono'],
      args: z.object({ telefono: zPhone }).strict(),
      usage: '/archivo auditoria <telefono>',
      examples: ['/archivo auditoria +34600000001'],
      async run({ em, args, services }) {
        const client = await findClient(em, args.telefono);
        const rows = await services.files.accessLog(em, client.id, 20);
        if (!rows.length) return [text(t('files.access_empty', { phone: args.telefono }))];
        const tz = services.deps.config.TZ;
        const lines = rows.map((r) => t('files.access_line', { at: formatDateTime(r.createdAt, tz), actor: r.actorPhone ? `+${r.actorPhone}` : t(`admin.audit.channel_${r.channel ?? 'system'}`), action: r.action, target: r.target ?? '—', outcome: t(`admin.outcome.${r.outcome}`), via: r.channel ?? '' }));
        return [text([t('files.access_title', { phone: args.telefono, count: rows.length }), ...lines].join('\n'))];
      },
    }),
  ],
});
