import type { EntityManager } from '@mikro-orm/sql';
import type { AuditEntry } from '../identity/audit.service.ts';
import type { Reply } from '../../transport/types.ts';
import { text } from '../../transport/types.ts';
import type { Orm } from '../../db/orm.ts';
import { withEm } from '../../db/orm.ts';
import { ForbiddenError, isAppError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { REDACTED } from '../identity/audit-hash.ts';
import type { CommandAction, CommandContext, ResolvedAction } from './registry.ts';

/** Sends a long-running command's final replies to the chat it came from. */
export type Deliver = (jid: string, replies: Reply[]) => Promise<void>;

type AuditFn = (em: EntityManager, entry: Omit<AuditEntry, 'actorId' | 'actorPhone' | 'channel'>) => Promise<void>;

export interface RunDeps {
  audit: AuditFn;
  deliver: Deliver;
  orm: Orm;
  /** Registers a background task so `router.idle()` can wait for it. */
  track(p: Promise<void>): void;
}

/** The arguments as they may be stored: secret ones replaced. */
export function auditArgs(action: CommandAction<any>, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = action.secretArgs?.includes(k) ? REDACTED : v;
  return out;
}

export function auditTarget(action: CommandAction<any>, args: Record<string, unknown>): string | null {
  if (action.target) return action.target(args);
  return typeof args.telefono === 'string' ? args.telefono : null;
}

/** How an error from a command is recorded: refusals are "denied", other domain errors "failure". */
export function outcomeOf(err: unknown): 'denied' | 'failure' | 'error' {
  if (err instanceof ForbiddenError) return 'denied';
  return isAppError(err) ? 'failure' : 'error';
}

function nonEmpty(replies: Reply[] | undefined): Reply[] {
  const ok = (replies ?? []).filter((r) => r.kind !== 'text' || r.text.trim() !== '');
  return ok.length ? ok : [text(t('admin.done'))];
}

async function runAndAudit(ctx: CommandContext, leaf: ResolvedAction, deps: RunDeps): Promise<Reply[]> {
  const started = performance.now();
  const target = auditTarget(leaf.action, ctx.args);
  let replies: Reply[];
  let outcome: AuditEntry['outcome'] = 'success';
  let error: string | undefined;
  try {
    replies = nonEmpty(await leaf.action.run(ctx));
  } catch (err) {
    outcome = outcomeOf(err);
    if (isAppError(err)) {
      error = err.code;
      replies = [text(err.message)];
    } else {
      error = 'INTERNAL';
      ctx.logger.error({ err }, 'command failed');
      replies = [text(t('admin.internal_error'))];
    }
  }
  try {
    await deps.audit(ctx.em, {
      action: leaf.auditAction,
      target,
      outcome,
      durationMs: performance.now() - started,
      details: error || Object.keys(ctx.auditNotes).length ? { ...ctx.auditNotes, ...(error ? { error } : {}) } : undefined,
    });
  } catch (err) {
    ctx.logger.error({ err }, 'could not audit the command result');
  }
  return replies;
}

/** Audits the invocation as allowed, then runs it now or in the background (long-running). */
export async function runAction(ctx: CommandContext, leaf: ResolvedAction, deps: RunDeps): Promise<Reply[]> {
  await deps.audit(ctx.em, {
    action: leaf.auditAction,
    target: auditTarget(leaf.action, ctx.args),
    outcome: 'allowed',
    details: { args: auditArgs(leaf.action, ctx.args) },
  });
  if (!leaf.action.longRunning) return runAndAudit(ctx, leaf, deps);
  const task = withEm(deps.orm, async (em) => {
    const replies = await runAndAudit({ ...ctx, em }, leaf, deps);
    // The result follows the "Procesando…" it belongs to, never overtakes it.
    await ctx.input.acknowledged?.catch(() => undefined);
    await deps.deliver(ctx.input.jid, replies);
  }).catch((err: unknown) => ctx.logger.error({ err }, 'long-running command could not report back'));
  deps.track(task);
  return [text(t('admin.processing', { command: leaf.path }))];
}
