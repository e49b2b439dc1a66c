import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { applyStatusChange, planStatusChange } from '../../identity/staff.service.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { zPhone } from '../args.ts';

const phoneArgs = z.object({ telefono: zPhone }).strict();

/** `/usuario activar|suspender <telefono>`: account status. A suspended staff member's commands are refused. */
export const usuarioCommand = defineCommand({
  name: 'usuario',
  aliases: ['usuarios', 'user', 'users'],
  description: 'Activa o suspende cuentas',
  subcommands: [
    defineSubcommand({
      name: 'activar',
      aliases: ['activate', 'enable', 'reactivar'],
      description: 'Reactiva una cuenta suspendida o inactiva',
      permission: 'users.update',
      params: ['telefono'],
      args: phoneArgs,
      usage: '/usuario activar <telefono>',
      examples: ['/usuario activar +34600000001'],
      async run({ em, args, services, caller, auditNotes }) {
        const { from } = await applyStatusChange(em, services.rbac!, caller, args.telefono, 'activar');
        Object.assign(auditNotes, { from, to: 'active' });
        return [text(t('admin.user.activated', { phone: args.telefono }))];
      },
    }),
    defineSubcommand({
      name: 'suspender',
      aliases: ['suspend', 'disable', 'desactivar'],
      description: 'Suspende una cuenta: sus comandos y su acceso a la API quedan bloqueados',
      permission: 'users.update',
      sensitive: true,
      params: ['telefono'],
      args: phoneArgs,
      usage: '/usuario suspender <telefono>',
      examples: ['/usuario suspender +34600000001'],
      async summarize({ em, args, services, caller }) {
        const user = await planStatusChange(em, services.rbac!, caller, args.telefono, 'suspender');
        return t('admin.user.summary_suspend', { phone: args.telefono, role: user.role?.roleName ?? '—' });
      },
      async run({ em, args, services, caller, auditNotes }) {
        const { from } = await applyStatusChange(em, services.rbac!, caller, args.telefono, 'suspender');
        Object.assign(auditNotes, { from, to: 'suspended' });
        return [text(t('admin.user.suspended', { phone: args.telefono }))];
      },
    }),
  ],
});
