import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { bootCore, type App } from '../app.ts';
import { withEm } from '../db/orm.ts';
import { findUserByPhone, grantRole, isRoleName } from '../modules/identity/identity.service.ts';
import { clearTotp } from '../modules/identity/staff.service.ts';
import { normalizePhone } from '../shared/phone.ts';
import { ROLES } from '../modules/identity/permissions.ts';

const USAGE = 'se esperaba: admin grant <teléfono> <rol> | admin totp-reset <teléfono>';

function phoneArg(phone: string): string {
  const digits = normalizePhone(phone);
  if (!digits) throw new UsageError(`"${phone}" no es un número con prefijo de país (p. ej. +34600000001)`);
  return digits;
}

/**
 * `mariadono admin grant <phone> <role>` bootstraps staff; `mariadono admin totp-reset <phone>`
 * removes a lost authenticator when nobody in the chat can (e.g. the only super_admin lost their
 * phone; in chat, `/seguridad quitar` does it with level rules). Whoever runs these already has
 * the server and its database, so no chat rules apply; both are audited (channel `cli`).
 */
export const adminCommand: CommandHandler = async (args, { config, logger, io }) => {
  const [sub, phone, ...rest] = args;
  if (sub === 'grant') {
    const [role, ...extra] = rest;
    if (!phone || !role || extra.length) throw new UsageError(USAGE);
    const digits = phoneArg(phone);
    if (!isRoleName(role)) throw new UsageError(`rol desconocido "${role}"; roles válidos: ${ROLES.map((r) => r.name).join(', ')}`);
    return withApp(config, logger, async (app) => {
      await withEm(app.orm, async (em) => {
        await grantRole(em, digits, role);
        await app.services.audit?.record(em, { actorPhone: null, action: 'cli.admin.grant', target: digits, details: { role }, outcome: 'success', channel: 'cli' });
      });
      io.out(`+${digits} ahora tiene el rol ${role}.`);
      return 0;
    });
  }
  if (sub === 'totp-reset') {
    if (!phone || rest.length) throw new UsageError(USAGE);
    const digits = phoneArg(phone);
    return withApp(config, logger, (app) =>
      withEm(app.orm, async (em) => {
        const user = await findUserByPhone(em, digits);
        if (!user) {
          io.err(`ningún usuario tiene el teléfono +${digits}; no se ha cambiado nada.`);
          return 1;
        }
        if (!user.totpEnabledAt) {
          io.out(`+${digits} no tiene TOTP activado; no se ha cambiado nada.`);
          return 0;
        }
        await clearTotp(em, user.id, app.clock.now());
        await app.services.audit?.record(em, { actorPhone: null, action: 'cli.admin.totp_reset', target: digits, outcome: 'success', channel: 'cli' });
        io.out(`+${digits} ya no tiene TOTP; puede activarlo de nuevo en el chat con /seguridad totp.`);
        return 0;
      }),
    );
  }
  throw new UsageError(USAGE);
};

async function withApp(config: Parameters<typeof bootCore>[0], logger: Parameters<typeof bootCore>[1], fn: (app: App) => Promise<number>): Promise<number> {
  const app = await bootCore(config, logger);
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
