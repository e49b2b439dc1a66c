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
  if (sub !== 'verify' || extra.length) throw new UsageError('se esperaba: audit verify');
  const app = await bootCore(config, logger);
  try {
    const audit = app.services.audit ?? createAuditService(app.services.deps);
    const result = await withEm(app.orm, (em) => audit.verify(em));
    if (result.ok) {
      io.out(`registro de auditoría correcto: ${result.count} filas verificadas${result.erased ? ` (${result.erased} con datos personales borrados)` : ''}`);
      return 0;
    }
    const why =
      result.reason === 'prev_hash_mismatch'
        ? 'no enlaza con la fila anterior (se borró o reordenó una fila)'
        : result.reason === 'field_mismatch'
          ? 'un dato personal no coincide con su huella HMAC (la fila fue modificada, o cambió AUDIT_HMAC_KEY)'
          : 'el contenido no coincide con su hash (la fila fue modificada)';
    io.out(`registro de auditoría ROTO: primer eslabón roto en audit_log id ${result.brokenId}: ${why}`);
    return 1;
  } finally {
    await app.close();
  }
};
