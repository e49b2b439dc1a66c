import type { AuditEntry } from '../identity/audit.service.ts';
import type { Reply } from '../../transport/types.ts';
import { text } from '../../transport/types.ts';
import { isAppError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import type { CommandContext, RawArgs, ResolvedAction } from './registry.ts';
import { CONFIRMATION_TTL_MS, requestConfirmation } from './confirmations.ts';
import { auditArgs, auditTarget, outcomeOf } from './execute.ts';
import { loadTotpSecret } from './totp.ts';

type Audit = (entry: Omit<AuditEntry, 'actorId' | 'actorPhone' | 'channel'>) => Promise<void>;

/**
 * A sensitive action does not run yet: its summary is checked and shown, and a pending
 * confirmation is stored. With TOTP enrolled no code is shown: the authenticator app is the
 * second factor.
 */
export async function askConfirmation(ctx: CommandContext, leaf: ResolvedAction, raw: RawArgs, audit: Audit): Promise<Reply[]> {
  const target = auditTarget(leaf.action, ctx.args);
  let summary: string;
  try {
    summary = leaf.action.summarize ? await leaf.action.summarize(ctx) : t('admin.confirm.default_summary', { command: leaf.path });
  } catch (err) {
    if (!isAppError(err)) throw err;
    await audit({ action: leaf.auditAction, target, outcome: outcomeOf(err), details: { error: err.code, stage: 'summary' } });
    return [text(err.message)];
  }
  const userId = ctx.caller.userId!;
  const { enabled } = await loadTotpSecret(ctx.em, userId, ctx.services.secrets);
  const { row, code, replaced } = await requestConfirmation(ctx.em, { userId, path: leaf.path, raw, summary, requiresTotp: enabled, now: ctx.now });
  await audit({
    action: leaf.auditAction,
    target,
    outcome: 'allowed',
    // `factor`, not `totp`: a key that looks like a secret would be redacted.
    details: {
      stage: 'confirmation_requested', confirmation: row.id, factor: enabled ? 'totp' : 'code', args: auditArgs(leaf.action, ctx.args),
      ...(replaced.length ? { replaced: replaced.map((r) => r.id) } : {}),
    },
  });
  const minutes = Math.round(CONFIRMATION_TTL_MS / 60_000);
  // A second sensitive command replaces the first: say so, or the person may still think it will run.
  const notices = replaced.map((r) => text(t('admin.confirm.replaced', { summary: r.summary })));
  // Only the code's hash is stored (pending_confirmations); the logged copy of this reply hides it too.
  if (code) return [...notices, { kind: 'text', text: t('admin.confirm.ask_code', { summary, code, minutes }), redact: [code] }];
  return [...notices, text(t('admin.confirm.ask_totp', { summary, minutes }))];
}
