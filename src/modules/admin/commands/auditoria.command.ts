import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { normalizePhone } from '../../../shared/phone.ts';
import { createAuditService } from '../../identity/audit.service.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { looksLikeSince, parseSince, zDecimalInt } from '../args.ts';
import { formatDateTime } from '../format.ts';

const MAX_LIMIT = 100;
const limitError = () => t('admin.audit.limit', { max: MAX_LIMIT });
const zLimit = zDecimalInt({ min: 1, max: MAX_LIMIT, message: limitError }).optional();

/**
 * The two optional filters, typed in either order: a word that looks like a date or period is
 * the date (`/auditoria ver 7d +34600000001` works), a time right after a date joins it
 * (`2026-11-01 10:00`), and digit groups after a number join the phone (`+34 600 00 00 01`).
 * `telefono=` and `desde=` may also be given as options. At most one of each.
 */
export function splitFilters(args: { filtros?: string; telefono?: string; desde?: string }): { phone?: string; since?: string; error?: string } {
  const words = (args.filtros ?? '').trim().split(/\s+/u).filter(Boolean);
  const phones = args.telefono ? [args.telefono] : [];
  const dates = args.desde ? [args.desde] : [];
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    if (looksLikeSince(word)) {
      if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(word) && /^\d{1,2}:\d{2}(:\d{2})?$/.test(words[i + 1] ?? '')) word += ` ${words[++i]}`;
      dates.push(word);
    } else {
      while (/^\+?\d+$/.test(word) && /^\d{1,6}$/.test(words[i + 1] ?? '')) word += words[++i];
      phones.push(word);
    }
  }
  const notPhone = phones.find((p) => !normalizePhone(p));
  if (notPhone && phones.length > 1) return { error: t('admin.audit.bad_filter', { value: notPhone.slice(0, 30) }) };
  if (dates.length > 1 || phones.length > 1) {
    const [a, b] = dates.length > 1 ? dates : phones;
    return { error: t('admin.audit.two_filters', { a: a!.slice(0, 30), b: b!.slice(0, 30) }) };
  }
  return { phone: phones[0], since: dates[0] };
}

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
      params: ['...filtros'],
      args: z
        .object({
          filtros: z.string().optional(),
          telefono: z.string().max(40).optional(),
          desde: z.string().max(40).optional(),
          limite: zLimit,
        })
        .strict(),
      usage: '/auditoria ver [telefono] [desde] [limite=20]',
      examples: ['/auditoria ver', '/auditoria ver +34600000001 7d', '/auditoria ver 2026-11-01 limite=50', '/auditoria ver ayer'],
      target: (args) => {
        const { phone } = splitFilters(args);
        return phone ? (normalizePhone(phone) ?? null) : null;
      },
      async run({ em, args, now, services }) {
        const tz = services.deps.config.TZ;
        const filters = splitFilters(args);
        if (filters.error) throw new ValidationError(filters.error);
        const phone = filters.phone ? normalizePhone(filters.phone) : undefined;
        if (filters.phone && !phone) throw new ValidationError(t('admin.audit.bad_filter', { value: filters.phone.slice(0, 30) }));
        const since = filters.since ? parseSince(filters.since, now, tz) : undefined;
        if (filters.since && !since) throw new ValidationError(t('admin.args.date', { value: filters.since.slice(0, 30) }));
        if (since && since.getTime() > now.getTime()) throw new ValidationError(t('admin.audit.future', { value: filters.since!.slice(0, 30) }));
        const audit = services.audit ?? createAuditService(services.deps);
        const rows = await audit.list(em, { phone: phone ?? undefined, since: since ?? undefined, limit: args.limite ?? 20 });
        if (!rows.length) return [text(t('admin.audit.empty'))];
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
