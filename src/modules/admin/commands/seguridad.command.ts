import { z } from 'zod';
import { text, type Reply } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ConflictError, ValidationError } from '../../../shared/errors.ts';
import { Usuario } from '../../identity/usuario.entity.ts';
import { setPassword, zPassword } from '../../identity/auth.service.ts';
import { applyTotpReset, planTotpReset } from '../../identity/staff.service.ts';
import { zPhone } from '../args.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { consumeTotp, generateTotpSecret, loadTotpSecret, totpQrPng, totpUri } from '../totp.ts';

/**
 * `/seguridad totp [código]` enrols an authenticator app (QR first, then a first code to
 * activate); `/seguridad clave <contraseña>` sets the password for the HTTP API (both on the
 * caller's own account). `/seguridad quitar <telefono>` lets an admin reset someone's lost
 * authenticator (sensitive, level rules apply).
 */
export const seguridadCommand = defineCommand({
  name: 'seguridad',
  aliases: ['security', 'mfa'],
  description: 'Tu segundo factor (TOTP) y tu contraseña de la API',
  subcommands: [
    defineSubcommand({
      name: 'totp',
      aliases: ['2fa', 'autenticador'],
      description: 'Activa tu app de autenticación: envía el QR y luego confirma con un primer código',
      permission: null,
      params: ['codigo'],
      secretArgs: ['codigo'],
      args: z.object({ codigo: z.string().trim().max(20).optional() }).strict(),
      usage: '/seguridad totp [código]',
      examples: ['/seguridad totp', '/seguridad totp 492039'],
      async run({ em, caller, args, now, services }): Promise<Reply[]> {
        const userId = caller.userId!;
        const current = await loadTotpSecret(em, userId, services.secrets);
        if (current.enabled) throw new ConflictError(t('admin.totp.already'));
        const user = await em.findOneOrFail(Usuario, { id: userId });
        if (!args.codigo) {
          const secret = generateTotpSecret();
          user.totpSecret = services.secrets.seal(secret);
          user.totpEnabledAt = null;
          user.totpLastStep = null;
          await em.flush();
          const png = await totpQrPng(totpUri(caller.phone, secret));
          // QR only: a text copy of the secret would be kept in the conversation log.
          // `secret`: no copy of the picture may stay on disk (the replay outbox, a recording).
          return [{ kind: 'image', buffer: png, mimetype: 'image/png', caption: t('admin.totp.qr_caption'), secret: true }];
        }
        if (!current.secret) throw new ValidationError(t('admin.totp.enrol_first'));
        // The activation code is spent like any other: it cannot then confirm an action.
        if ((await consumeTotp(em, userId, args.codigo, current.secret, now)) !== 'ok') {
          throw new ValidationError(t('admin.totp.wrong'), undefined, 'TOTP_WRONG');
        }
        user.totpEnabledAt = now;
        await em.flush();
        return [text(t('admin.totp.enabled'))];
      },
    }),
    defineSubcommand({
      name: 'quitar',
      aliases: ['reset', 'reiniciar', 'quitar-totp'],
      description: 'Quita el TOTP de alguien que perdió o cambió el móvil, para que vuelva a activarlo',
      permission: 'users.update',
      sensitive: true,
      params: ['telefono'],
      args: z.object({ telefono: zPhone }).strict(),
      usage: '/seguridad quitar <telefono>',
      examples: ['/seguridad quitar +34600000002'],
      async summarize({ em, args, services, caller }) {
        const user = await planTotpReset(em, services.rbac!, caller, args.telefono);
        return t('admin.totp.summary_reset', { phone: args.telefono, role: user.role?.roleName ?? '—' });
      },
      async run({ em, args, services, caller, now }) {
        await applyTotpReset(em, services.rbac!, caller, args.telefono, now);
        return [text(t('admin.totp.reset', { phone: args.telefono }))];
      },
    }),
    defineSubcommand({
      name: 'clave',
      aliases: ['password', 'contrasena', 'pass'],
      description: 'Define tu contraseña para entrar en la API (nunca se repite ni se guarda en claro)',
      permission: null,
      rawArgs: true,
      params: ['contraseña'],
      secretArgs: ['contraseña'],
      args: z.object({ contraseña: zPassword }).strict(),
      usage: '/seguridad clave <contraseña>',
      examples: ['/seguridad clave una frase larga y secreta'],
      target: () => null,
      async run({ em, caller, args, services }) {
        await setPassword(em, caller.userId!, args.contraseña, services.deps.config.BCRYPT_COST);
        return [text(t('admin.password.set'))];
      },
    }),
  ],
});
