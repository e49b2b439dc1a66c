import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { bootCore } from '../app.ts';
import { withEm } from '../db/orm.ts';
import { grantRole, isRoleName } from '../modules/identity/identity.service.ts';
import { normalizePhone } from '../shared/phone.ts';
import { ROLES } from '../modules/identity/permissions.ts';

export const adminCommand: CommandHandler = async (args, { config, logger, io }) => {
  const [sub, phone, role, ...extra] = args;
  if (sub !== 'grant' || !phone || !role || extra.length) throw new UsageError('expected: admin grant <phone> <role>');
  const digits = normalizePhone(phone);
  if (!digits) throw new UsageError(`"${phone}" is not a phone number with country code (e.g. +34600000001)`);
  if (!isRoleName(role)) throw new UsageError(`unknown role "${role}"; valid roles: ${ROLES.map((r) => r.name).join(', ')}`);
  const app = await bootCore(config, logger);
  try {
    await withEm(app.orm, async (em) => {
      await grantRole(em, digits, role);
      await app.services.audit?.record(em, {
        actorPhone: null,
        action: 'cli.admin.grant',
        target: digits,
        details: { role },
        outcome: 'success',
        channel: 'cli',
      });
    });
    io.out(`+${digits} now has the role ${role}.`);
  } finally {
    await app.close();
  }
  return 0;
};
