import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { PERMISSIONS } from '../../identity/permissions.ts';
import { findUserByPhone } from '../../identity/identity.service.ts';
import { applyRoleChange, planRoleChange } from '../../identity/staff.service.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { zPhone } from '../args.ts';
import { normalizeWord } from '../parser.ts';
import { formatDateTime } from '../format.ts';

const zRole = z.string().trim().min(1).max(100).transform(normalizeWord);
const permDescription = new Map(PERMISSIONS.map((p) => [p.name, p.description]));

/** `/rol …`: roles, their permissions, and who has which. Assigning is sensitive. */
export const rolCommand = defineCommand({
  name: 'rol',
  aliases: ['roles', 'role'],
  description: 'Roles y permisos del equipo',
  subcommands: [
    defineSubcommand({
      name: 'lista',
      aliases: ['list', 'listar'],
      description: 'Lista los roles con su nivel y cuántas personas tiene cada uno',
      permission: 'roles.read',
      args: z.object({}).strict(),
      usage: '/rol lista',
      examples: ['/rol lista'],
      async run({ em, services }) {
        const counts = await em.execute<Array<{ role_id: number | null; n: number | string }>>(
          'select role_id, count(*) as n from usuarios group by role_id',
        );
        const byRole = new Map(counts.map((c) => [c.role_id === null ? null : Number(c.role_id), Number(c.n)]));
        const lines = (await services.rbac!.roles()).map((r) =>
          t('admin.role.list_line', { role: r.name, level: r.level, count: byRole.get(r.roleId) ?? 0, perms: r.permissions.size }),
        );
        return [text([t('admin.role.list_title'), ...lines].join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'ver',
      aliases: ['show', 'info'],
      description: 'Muestra el rol, estado y accesos de una persona',
      permission: 'roles.read',
      params: ['telefono'],
      args: z.object({ telefono: zPhone }).strict(),
      usage: '/rol ver <telefono>',
      examples: ['/rol ver +34600000001'],
      async run({ em, args, services }) {
        const user = await findUserByPhone(em, args.telefono);
        if (!user) throw new NotFoundError(t('admin.user.not_found', { phone: args.telefono }));
        const role = user.role ? await services.rbac!.role(user.role.roleName) : null;
        return [
          text(
            t('admin.role.show', {
              phone: user.phoneNumber,
              name: user.nombre ?? '—',
              role: role?.name ?? '—',
              level: role?.level ?? 0,
              status: t(`admin.status.${user.isActive ? user.accountStatus : 'inactive'}`),
              totp: t(user.totpEnabledAt ? 'admin.yes' : 'admin.no'),
              lastLogin: user.lastLogin ? formatDateTime(user.lastLogin) : '—',
              perms: role?.permissions.size ?? 0,
            }),
          ),
        ];
      },
    }),
    defineSubcommand({
      name: 'asignar',
      aliases: ['assign', 'set', 'dar'],
      description: 'Asigna un rol a una persona (nunca por encima del tuyo)',
      permission: 'roles.assign',
      sensitive: true,
      params: ['telefono', 'rol'],
      args: z.object({ telefono: zPhone, rol: zRole }).strict(),
      usage: '/rol asignar <telefono> <rol>',
      examples: ['/rol asignar +34600000001 manager', '/rol asignar +34600000002 client'],
      async summarize({ em, args, services, caller }) {
        const plan = await planRoleChange(em, services.rbac!, caller, args.telefono, args.rol);
        return t(plan.target ? 'admin.role.summary' : 'admin.role.summary_new', {
          phone: args.telefono,
          role: plan.to.name,
          from: plan.from?.name ?? '—',
        });
      },
      async run({ em, args, services, caller, auditNotes }) {
        const plan = await applyRoleChange(em, services.rbac!, caller, args.telefono, args.rol);
        Object.assign(auditNotes, { from: plan.from?.name ?? null, to: plan.to.name });
        return [text(t('admin.role.assigned', { phone: args.telefono, role: plan.to.name, from: plan.from?.name ?? '—' }))];
      },
    }),
    defineSubcommand({
      name: 'permisos',
      aliases: ['permissions', 'perms'],
      description: 'Lista los permisos de un rol',
      permission: 'roles.read',
      params: ['rol'],
      args: z.object({ rol: zRole }).strict(),
      usage: '/rol permisos <rol>',
      examples: ['/rol permisos manager'],
      target: (args) => args.rol,
      async run({ args, services }) {
        const role = await services.rbac!.role(args.rol);
        if (!role) {
          const names = (await services.rbac!.roles()).map((r) => r.name).join(', ');
          throw new ValidationError(t('admin.role.unknown', { role: args.rol, roles: names }));
        }
        const perms = [...role.permissions].sort();
        const lines = perms.map((p) => `• ${p} — ${permDescription.get(p) ?? ''}`);
        return [text([t('admin.role.perms_title', { role: role.name, level: role.level, count: perms.length }), ...(lines.length ? lines : [t('admin.role.no_perms')])].join('\n'))];
      },
    }),
  ],
});
