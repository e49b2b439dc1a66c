import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { findUserByPhone } from '../../identity/identity.service.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { parseDateArg, zPhone } from '../args.ts';
import { formatDateTime } from '../format.ts';
import { normalizeWord } from '../parser.ts';
import { splitGroupAndDates, zRelation, zYesNo } from '../../groups/group-args.ts';
import { describeClientGroups, describeGroup, describeHistory, describeList, relationLabel } from '../../groups/group-format.ts';

const LIST_LIMIT = 30;
const HISTORY_LIMIT = 40;

const zGroup = z.string().trim().min(1).max(200);
const zFilter = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const w = v === undefined ? 'activos' : normalizeWord(v);
    if (['activos', 'activo', 'active'].includes(w)) return 'activos' as const;
    if (['todos', 'todo', 'all'].includes(w)) return 'todos' as const;
    ctx.addIssue({ code: 'custom', message: t('groups.bad_filter', { value: String(v).slice(0, 30) }) });
    return z.NEVER;
  });

async function clientByPhone(em: Parameters<typeof findUserByPhone>[0], phone: string) {
  const user = await findUserByPhone(em, phone);
  if (!user) throw new NotFoundError(t('admin.user.not_found', { phone }), 'CLIENT_NOT_FOUND');
  return user;
}

/** `/grupo …`: WhatsApp groups, their clients and their membership history (UC-201, UC-202, UC-204). */
export const grupoCommand = defineCommand({
  name: 'grupo',
  aliases: ['grupos', 'group', 'groups'],
  description: 'Grupos de WhatsApp: clientes vinculados, miembros e historial',
  subcommands: [
    defineSubcommand({
      name: 'lista',
      aliases: ['list', 'listar'],
      description: 'Lista los grupos (activos por defecto) con miembros y actividad',
      permission: 'groups.read',
      params: ['filtro'],
      args: z.object({ filtro: zFilter }).strict(),
      usage: '/grupo lista [activos|todos]',
      examples: ['/grupo lista', '/grupo lista todos'],
      async run({ em, args, services }) {
        const { items, total } = await services.groups.listGroups(em, { all: args.filtro === 'todos', limit: LIST_LIMIT });
        return [text(describeList(items, total, args.filtro === 'todos', services.deps.config.TZ))];
      },
    }),
    defineSubcommand({
      name: 'ver',
      aliases: ['show', 'info'],
      description: 'Muestra un grupo: descripción, propietario, miembros con rol y fecha de entrada, actividad',
      permission: 'groups.read',
      params: ['...grupo'],
      args: z.object({ grupo: zGroup }).strict(),
      usage: '/grupo ver <grupo>',
      examples: ['/grupo ver Clientes VIP', '/grupo ver 120363025246125888'],
      target: (args) => args.grupo,
      async run({ em, args, services }) {
        const group = await services.groups.findGroup(em, args.grupo);
        return [text(describeGroup(await services.groups.groupDetails(em, group), services.deps.config.TZ))];
      },
    }),
    defineSubcommand({
      name: 'sincronizar',
      aliases: ['sync', 'sincroniza', 'actualizar'],
      description: 'Vuelve a leer de WhatsApp todos los grupos y sus miembros, y vincula a los clientes conocidos',
      permission: 'groups.manage',
      longRunning: true,
      args: z.object({}).strict(),
      usage: '/grupo sincronizar',
      examples: ['/grupo sincronizar'],
      async run({ services, auditNotes }) {
        const r = await services.groups.syncWhatsAppGroups();
        Object.assign(auditNotes, r);
        return [text(t('groups.synced', { groups: r.groups, active: r.active, members: r.members, mappings: r.mappings }))];
      },
    }),
    defineSubcommand({
      name: 'asignar',
      aliases: ['assign', 'vincular', 'map'],
      description: 'Vincula un grupo a un cliente: propietario, miembro, audiencia o soporte, con un propósito opcional',
      permission: 'groups.manage',
      params: ['grupo', 'telefono', 'relacion', '...proposito'],
      args: z.object({ grupo: zGroup, telefono: zPhone, relacion: zRelation, proposito: z.string().trim().max(255, { error: () => t('groups.purpose_too_long') }).optional(), principal: zYesNo.optional() }).strict(),
      usage: '/grupo asignar <grupo> <telefono> <relacion> [proposito] [principal=sí]',
      examples: ['/grupo asignar "Clientes VIP" +34600000001 audiencia Promociones de temporada', '/grupo asignar Soporte +34600000001 soporte principal=sí'],
      async run({ em, args, services, auditNotes }) {
        const group = await services.groups.findGroup(em, args.grupo);
        const client = await clientByPhone(em, args.telefono);
        const r = await services.groups.mapGroupToClient(group.groupId, client.id, { em, relationshipType: args.relacion, purpose: args.proposito, primary: args.principal });
        Object.assign(auditNotes, { group: group.groupId, from: r.previous, to: args.relacion });
        const key = r.created ? 'groups.mapped' : r.previous === args.relacion ? 'groups.mapping_updated' : 'groups.remapped';
        return [
          text(
            t(key, { name: group.name, phone: args.telefono, relation: relationLabel(args.relacion), previous: r.previous ? relationLabel(r.previous) : '' }) +
              (r.mapping.isPrimary ? `\n${t('groups.is_primary', { relation: relationLabel(args.relacion) })}` : ''),
          ),
        ];
      },
    }),
    defineSubcommand({
      name: 'quitar',
      aliases: ['remove', 'desvincular', 'unmap'],
      description: 'Quita el vínculo entre un grupo y un cliente',
      permission: 'groups.manage',
      params: ['grupo', 'telefono'],
      args: z.object({ grupo: zGroup, telefono: zPhone }).strict(),
      usage: '/grupo quitar <grupo> <telefono>',
      examples: ['/grupo quitar "Clientes VIP" +34600000001'],
      async run({ em, args, services, auditNotes }) {
        const group = await services.groups.findGroup(em, args.grupo);
        const client = await clientByPhone(em, args.telefono);
        const type = await services.groups.unmapGroupFromClient(group.groupId, client.id, { em });
        Object.assign(auditNotes, { group: group.groupId, from: type });
        return [text(t('groups.unmapped', { name: group.name, phone: args.telefono, relation: relationLabel(type) }))];
      },
    }),
    defineSubcommand({
      name: 'cliente',
      aliases: ['client', 'de'],
      description: 'Todos los grupos de un cliente, con su relación y actividad',
      permission: 'groups.read',
      params: ['telefono'],
      args: z.object({ telefono: zPhone }).strict(),
      usage: '/grupo cliente <telefono>',
      examples: ['/grupo cliente +34600000001'],
      async run({ em, args, services }) {
        const client = await clientByPhone(em, args.telefono);
        const groups = await services.groups.getClientGroups(client.id, { em });
        return [text(describeClientGroups(client, groups, services.deps.config.TZ))];
      },
    }),
    defineSubcommand({
      name: 'historial',
      aliases: ['history', 'movimientos'],
      description: 'Entradas, salidas, expulsiones y cambios de admin de un grupo, en orden y con quién los hizo',
      permission: 'groups.read',
      params: ['...grupo'],
      args: z.object({ grupo: zGroup, desde: z.string().max(40).optional() }).strict(),
      usage: '/grupo historial <grupo> [desde]',
      examples: ['/grupo historial Clientes VIP', '/grupo historial 120363025246125888 2026-11-01', '/grupo historial Clientes VIP 7d'],
      target: (args) => args.grupo,
      async run({ em, args, services, now }) {
        const tz = services.deps.config.TZ;
        const split = splitGroupAndDates(args.grupo, args.desde ? 0 : 1);
        const sinceText = args.desde ?? split.dates[0];
        const since = sinceText ? parseDateArg(sinceText, now, tz) : undefined;
        if (since && since.getTime() > now.getTime()) throw new ValidationError(t('groups.future', { value: sinceText!.slice(0, 30) }));
        const group = await services.groups.findGroup(em, split.group);
        const h = await services.groups.memberHistory(em, group.groupId, { since, limit: HISTORY_LIMIT });
        return [text(describeHistory(group, h.entries, h.total, since ? formatDateTime(since, tz) : null, tz))];
      },
    }),
  ],
});
