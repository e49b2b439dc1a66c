import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { bootCore } from '../app.ts';
import { withEm } from '../db/orm.ts';
import { createAuditService } from '../modules/identity/audit.service.ts';

/**
 * `mariadono audit verify`: walks the audit_log hash chain in id order. Prints OK with the
 * row count (exit 0) or the id of the first broken link (exit 1), so it can run from cron or CI.
 */
export const auditCommand: CommandHandler = async (args, { config, logger, io }) => {
  const [sub, ...extra] = args;
  if (sub !== 'verify' || extra.length) throw new UsageError('expected: audit verify');
  const app = await bootCore(config, logger);
  try {
    const audit = app.services.audit ?? createAuditService(app.services.deps);
    const result = await withEm(app.orm, (em) => audit.verify(em));
    if (result.ok) {
      io.out(`audit log OK: ${result.count} rows verified`);
      return 0;
    }
    const why = result.reason === 'prev_hash_mismatch' ? 'does not link to the previous row (a row was removed or reordered)' : 'content does not match its hash (the row was edited)';
    io.out(`audit log BROKEN: first broken link at audit_log id ${result.brokenId}: ${why}`);
    return 1;
  } finally {
    await app.close();
  }
};
