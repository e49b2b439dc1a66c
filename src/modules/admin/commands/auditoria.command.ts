import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { normalizePhone } from '../../../shared/phone.ts';
import { createAuditService } from '../../identity/audit.service.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { parseSince } from '../args.ts';
import { formatDateTime } from '../format.ts';

/** `/auditoria ver|verificar`: read the audit log and check its hash chain. */
export const auditoriaCommand = defineCommand({
  name: 'auditoria',
  aliases: ['audit', 'log'],
  description: 'Registro de auditoría (quién hizo qué y cuándo)',
  subcommands: [
    defineSubcommand({
      name: 'ver',
      aliases: ['show', 'list', 'lista'],
      description: 'Muestra las entradas recientes, de una persona y/o desde una fecha',
      permission: 'audit.read',
      params: ['telefono', 'desde'],
      args: z
        .object({
          telefono: z.string().max(40).optional(),
          desde: z.string().max(40).optional(),
          limite: z.coerce.number().int().min(1).max(100).optional(),
        })
        .strict(),
      usage: '/auditoria ver [telefono] [desde] [limite=20]',
      examples: ['/auditoria ver', '/auditoria ver +34600000001 7d', '/auditoria ver 2026-11-01 limite=50'],
      target: (args) => (args.telefono ? (normalizePhone(args.telefono) ?? null) : null),
      async run({ em, args, now, services }) {
        // Either positional may be the date: `/auditoria ver 7d` reads as "since 7 days ago".
        let phoneText = args.telefono;
        let sinceText = args.desde;
        if (phoneText && !sinceText && parseSince(phoneText, now)) [phoneText, sinceText] = [undefined, phoneText];
        const phone = phoneText ? normalizePhone(phoneText) : undefined;
        if (phoneText && !phone) throw new ValidationError(t('admin.args.phone', { value: phoneText.slice(0, 30) }));
        const since = sinceText ? parseSince(sinceText, now) : undefined;
        if (sinceText && !since) throw new ValidationError(t('admin.args.date', { value: sinceText.slice(0, 30) }));
        const audit = services.audit ?? createAuditService(services.deps);
        const rows = await audit.list(em, { phone: phone ?? undefined, since: since ?? undefined, limit: args.limite ?? 20 });
        if (!rows.length) return [text(t('admin.audit.empty'))];
        const tz = services.deps.config.TZ;
        const lines = rows.map((r) =>
          t('admin.audit.line', {
            id: String(r.id),
            at: formatDateTime(r.createdAt, tz),
            actor: r.actorPhone ? `+${r.actorPhone}` : t(`admin.audit.channel_${r.channel ?? 'system'}`),
            action: r.action,
            target: r.target ? ` → ${r.target}` : '',
            outcome: t(`admin.outcome.${r.outcome}`),
          }),
        );
        return [text([t('admin.audit.title', { count: rows.length }), ...lines].join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'verificar',
      aliases: ['verify', 'check', 'comprobar'],
      description: 'Comprueba la cadena de hashes del registro y señala el primer eslabón roto',
      permission: 'audit.read',
      longRunning: true,
      args: z.object({}).strict(),
      usage: '/auditoria verificar',
      examples: ['/auditoria verificar'],
      async run({ em, services }) {
        const audit = services.audit ?? createAuditService(services.deps);
        const result = await audit.verify(em);
        return [
          text(
            result.ok
              ? t('admin.audit.verify_ok', { count: result.count })
              : t('admin.audit.verify_broken', { id: String(result.brokenId), reason: t(`admin.audit.reason_${result.reason}`) }),
          ),
        ];
      },
    }),
  ],
});
