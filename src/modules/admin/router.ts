import type { EntityManager } from '@mikro-orm/sql';
import type { AuditEntry } from '../identity/audit.service.ts';
import type { CommandServices } from './registry.ts';
import type { Reply } from '../../transport/types.ts';
import { text } from '../../transport/types.ts';
import { splitLongTexts } from '../../transport/reply.ts';
import { withEm } from '../../db/orm.ts';
import { t } from '../../shared/i18n/index.ts';
import type { Caller } from '../identity/rbac.service.ts';
import type { CommandContext, CommandRegistry, RawArgs, ResolvedAction } from './registry.ts';
import { firstWord, parseArgs, splitHead, unquoteWord } from './parser.ts';
import { buildArgs } from './args.ts';
import { commandHelp, usageBlock } from './help.ts';
import { suggest } from './suggest.ts';
import { runAction, type Deliver } from './execute.ts';
import { askConfirmation } from './ask-confirmation.ts';
import { redactCommandText } from './redact.ts';

/**
 * The admin command router: identify → parse → resolve → check permission → audit → confirm
 * or run. `handle` never throws: every failure becomes a polite Spanish reply.
 */

/** A slash command typed in a chat, as the transport hands it to the admin router. */
export interface CommandInput {
  phone: string;
  jid: string;
  text: string;
  isGroup: boolean;
  name?: string | null;
  messageId?: string;
  now: Date;
  /**
   * The file sent with the command (a document whose caption is the command). Its bytes are
   * downloaded by the media service after the message is logged; read them with
   * `readAttachment` (files module), which waits for that download.
   */
  attachment?: { messageId: string; fileName: string | null; mimeType: string | null } | null;
  /** Settles once the immediate replies were sent: a long-running command's result waits for it. */
  acknowledged?: Promise<void>;
}

export interface CommandRouter {
  handle(input: CommandInput): Promise<Reply[]>;
  /** Resolves once every long-running command started so far has reported back. */
  idle(): Promise<void>;
  registry: CommandRegistry;
  /** The command text as it may be stored: secret arguments (passwords, codes) replaced. */
  redact(text: string): string;
}

export interface RouterDeps {
  services: CommandServices;
  registry: CommandRegistry;
  /** Where long-running commands send their final replies (default: the outbound service). */
  deliver?: Deliver;
}

/** No command needs more; anything longer is a paste gone wrong (or an attack on the parser). */
const MAX_COMMAND_CHARS = 4000;

export function createCommandRouter(deps: RouterDeps): CommandRouter {
  const { services, registry } = deps;
  const { config, orm } = services.deps;
  const log = services.deps.logger.child({ module: 'admin' });
  const background = new Set<Promise<void>>();
  const deliver: Deliver =
    deps.deliver ??
    (async (jid, replies) => {
      // Through the outbound service, so the late answer is logged like every other send.
      for (const reply of replies) await services.outbound.send(jid, reply, { origin: 'command' });
    });

  async function audit(em: EntityManager, caller: Caller, entry: Omit<AuditEntry, 'actorId' | 'actorPhone' | 'channel'>, messageId?: string) {
    // `msg`: the WhatsApp message that carried the command (proves it ran at most once).
    const details = messageId ? { ...entry.details, msg: messageId } : entry.details;
    await services.audit?.record(em, { ...entry, details, actorId: caller.userId, actorPhone: caller.phone, channel: 'chat' });
  }

  async function dispatch(em: EntityManager, input: CommandInput): Promise<Reply[]> {
    const now = input.now instanceof Date && !Number.isNaN(input.now.getTime()) ? input.now : services.deps.clock.now();
    const caller = await services.rbac!.identify(em, String(input.phone ?? ''));
    if (input.text.length > MAX_COMMAND_CHARS) return [text(t('admin.command_too_long', { max: String(MAX_COMMAND_CHARS) }))];
    const head = splitHead(input.text);
    const shownName = head?.name || '?';
    if (!caller.isStaff) {
      // Customers learn nothing about what exists, not even whether the name was valid.
      await audit(em, caller, { action: 'command.denied', details: { command: shownName, reason: 'not_staff' }, outcome: 'denied' });
      return [text(t('admin.forbidden_customer'))];
    }
    if (!caller.active) {
      await audit(em, caller, { action: 'command.denied', details: { command: shownName, reason: 'account_inactive' }, outcome: 'denied' });
      return [text(t('admin.account_inactive'))];
    }
    const visible = registry.all().filter((d) => registry.leaves(d).some((l) => registry.allows(caller, l)));
    const def = head?.name ? registry.find(head.name) : undefined;
    if (!head?.name || !def || !visible.includes(def)) {
      const exists = Boolean(def);
      await audit(em, caller, {
        action: exists ? 'command.denied' : 'command.unknown',
        details: { command: shownName },
        outcome: exists ? 'denied' : 'failure',
      });
      if (exists) return [text(t('admin.forbidden_command', { command: def!.name }))];
      const names = visible.flatMap((d) => [d.name, ...(d.aliases ?? [])]);
      const best = suggest(shownName, names);
      const target = best ? registry.find(best)!.name : null;
      return [text(target ? t('admin.unknown_suggest', { command: head?.rawName ?? '', suggestion: target }) : t('admin.unknown', { command: head?.rawName ?? '' }))];
    }

    // Sub-command: the first word, looked up before tokenizing so raw-text actions get it verbatim.
    const { word: typed, rest } = firstWord(head.rest);
    const word = unquoteWord(typed);
    const sub = def.subcommands?.length && word ? registry.findSub(def, word) : undefined;
    const leaf = sub ? registry.byPath(`${def.name} ${sub.name}`)! : def.action ? registry.byPath(def.name)! : null;
    if (!leaf) {
      await audit(em, caller, { action: `command.${def.name}`, details: { sub: word.slice(0, 40) || null }, outcome: 'failure' });
      const intro = word ? t('admin.unknown_sub', { command: def.name, sub: word.slice(0, 40) }) : '';
      return [text([intro, commandHelp(registry, caller, def)].filter(Boolean).join('\n\n'))];
    }
    if (!registry.allows(caller, leaf)) {
      await audit(em, caller, { action: leaf.auditAction, outcome: 'denied', details: { reason: 'permission', permission: leaf.action.permission } });
      return [text(t('admin.forbidden_command', { command: leaf.path }))];
    }
    const argText = sub ? rest : head.rest;
    let raw: RawArgs;
    if (leaf.action.rawArgs) {
      raw = { positional: [], options: {}, text: argText };
    } else {
      const parsed = parseArgs(argText);
      if (!parsed.ok) {
        await audit(em, caller, { action: leaf.auditAction, outcome: 'failure', details: { reason: parsed.code } });
        return [text(`${parsed.message}\n\n${usageBlock(leaf)}`)];
      }
      raw = { positional: parsed.positional, options: parsed.options };
    }
    return execute(em, caller, input, now, leaf, raw, { confirmed: false });
  }

  async function execute(
    em: EntityManager,
    caller: Caller,
    input: CommandInput,
    now: Date,
    leaf: ResolvedAction,
    raw: RawArgs,
    opts: { confirmed: boolean },
  ): Promise<Reply[]> {
    const built = buildArgs(leaf.action, raw);
    if (!built.ok) {
      await audit(em, caller, { action: leaf.auditAction, outcome: 'failure', details: { reason: 'invalid_args' } });
      return [text(`${built.message}\n\n${usageBlock(leaf)}`)];
    }
    const ctx: CommandContext = {
      em,
      services,
      caller,
      args: built.value,
      now,
      input,
      registry,
      logger: log.child({ cmd: leaf.path }),
      path: leaf.path,
      auditNotes: {},
      invoke: async (path, rawArgs) => {
        const next = registry.byPath(path);
        if (!next) return [text(t('admin.confirm.gone'))];
        if (!registry.allows(caller, next)) {
          await audit(em, caller, { action: next.auditAction, outcome: 'denied', details: { reason: 'permission' } });
          return [text(t('admin.forbidden_command', { command: next.path }))];
        }
        return execute(em, caller, input, now, next, rawArgs, { confirmed: true });
      },
    };
    if (leaf.action.sensitive && !opts.confirmed) {
      return askConfirmation(ctx, leaf, raw, (entry) => audit(em, caller, entry, input.messageId));
    }
    return runAction(ctx, leaf, {
      audit: (e, entry) => audit(e, caller, entry, input.messageId),
      deliver,
      orm,
      track: (p) => {
        background.add(p);
        void p.finally(() => background.delete(p));
      },
    });
  }

  return {
    registry,
    redact: (value) => (typeof value === 'string' ? redactCommandText(registry, value) : value),
    async handle(input) {
      try {
        if (!input || typeof input !== 'object') return [text(t('admin.internal_error'))];
        if (input.isGroup && !config.ALLOW_GROUP_COMMANDS) return [];
        // Within what one WhatsApp message carries on either platform.
        // NUL characters mean nothing in a command and cut SQL text on SQLite: dropped here, once.
        const clean = typeof input.text === 'string' && input.text.includes('\u0000') ? { ...input, text: input.text.replaceAll('\u0000', '') } : input;
        return splitLongTexts(await withEm(orm, (em) => dispatch(em, clean)));
      } catch (err) {
        log.error({ err }, 'command router failed');
        return [text(t('admin.internal_error'))];
      }
    },
    async idle() {
      while (background.size) await Promise.allSettled([...background]);
    },
  };
}
