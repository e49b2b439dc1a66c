import type { z } from 'zod';
import type { EntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../logger.ts';
import type { Services } from '../../services.ts';
import type { CommandInput } from './router.ts';

/**
 * What commands reach: every service built before the router (all but the router itself).
 * A type-only import: services.ts builds the router last, with these already in place.
 */
export type CommandServices = Omit<Services, 'commands'>;
import type { Reply } from '../../transport/types.ts';
import type { Caller } from '../identity/rbac.service.ts';
import { normalizeWord } from './parser.ts';

/**
 * The declarative command registry. A command is data: names, permission, argument schema,
 * usage and examples, and a `run` returning replies. The router checks permissions, audits,
 * asks for confirmation and reports errors; commands only do their job.
 */

export interface CommandContext<A = Record<string, unknown>> {
  em: EntityManager;
  services: CommandServices;
  /** An active staff member allowed to run this action. */
  caller: Caller;
  args: A;
  /** The message's time (replay time in replays): use it for every time rule. */
  now: Date;
  input: CommandInput;
  registry: CommandRegistry;
  logger: Logger;
  /** `rol asignar`: the command path. */
  path: string;
  /** Facts `run` adds to the invocation's result audit row (e.g. the role before a change). */
  auditNotes: Record<string, unknown>;
  /**
   * Runs another action as this caller with the permission check and audit but without asking
   * for confirmation (used by /confirmar once the code is right).
   */
  invoke(path: string, raw: RawArgs): Promise<Reply[]>;
}

/** Arguments as typed, before validation (what a pending confirmation stores). */
export interface RawArgs {
  positional: string[];
  options: Record<string, string>;
  /** The untouched text after the command, for `rawArgs` actions. */
  text?: string;
}

export interface CommandAction<S extends z.ZodType = z.ZodType> {
  description: string;
  /** The permission required; null means any active staff member. */
  permission: string | null;
  /** Names of the positional arguments, in order (`...name` takes the rest). */
  params?: readonly string[];
  /** Validates `{ [param]: value, ...options }`; use `.strict()` so unknown options are reported. */
  args: S;
  /** The whole text after the command (sub-command) is one argument named by params[0], unparsed. */
  rawArgs?: boolean;
  usage: string;
  examples: readonly string[];
  /** Asks for a step-up confirmation (code or TOTP) before running. */
  sensitive?: boolean;
  /** Answers "procesando…" at once; the result arrives as later messages. */
  longRunning?: boolean;
  /** Argument names never stored in clear (audit, logs, conversation log). */
  secretArgs?: readonly string[];
  /** Audit target for this invocation (default: the `telefono` argument). */
  target?(args: z.output<S>): string | null;
  /** Sensitive actions: the effect in one sentence, checked before asking. May throw an AppError. */
  summarize?(ctx: CommandContext<z.output<S>>): Promise<string> | string;
  run(ctx: CommandContext<z.output<S>>): Promise<Reply[]>;
}

export interface SubcommandDef<S extends z.ZodType = z.ZodType> extends CommandAction<S> {
  name: string;
  aliases?: readonly string[];
}

export interface CommandDef {
  /** Canonical Spanish name without the slash (`campaña`). Accents are optional when typed. */
  name: string;
  aliases?: readonly string[];
  description: string;
  /** Runs when no sub-command matches (or when there are none). */
  action?: CommandAction<any>;
  subcommands?: ReadonlyArray<SubcommandDef<any>>;
}

/** One runnable leaf: a command, or one of its sub-commands. */
export interface ResolvedAction {
  command: CommandDef;
  sub: SubcommandDef<any> | null;
  action: CommandAction<any>;
  /** `rol asignar` */
  path: string;
  /** `command.rol.asignar` */
  auditAction: string;
}

/** Type helpers: they only give `run` and `summarize` the schema's output type. */
export function defineAction<S extends z.ZodType>(a: CommandAction<S>): CommandAction<S> {
  return a;
}
export function defineSubcommand<S extends z.ZodType>(s: SubcommandDef<S>): SubcommandDef<S> {
  return s;
}
export function defineCommand(def: CommandDef): CommandDef {
  return def;
}

export interface CommandRegistry {
  all(): readonly CommandDef[];
  /** By normalized name or alias. */
  find(name: string): CommandDef | undefined;
  findSub(def: CommandDef, word: string): SubcommandDef<any> | undefined;
  leaves(def: CommandDef): ResolvedAction[];
  byPath(path: string): ResolvedAction | undefined;
  allows(caller: Caller, leaf: ResolvedAction): boolean;
  /** Leaves the caller may run, in registry order. */
  allowedLeaves(caller: Caller): ResolvedAction[];
}

function leafOf(command: CommandDef, sub: SubcommandDef<any> | null): ResolvedAction {
  const parts = sub ? [command.name, sub.name] : [command.name];
  return {
    command,
    sub,
    action: sub ?? command.action!,
    path: parts.join(' '),
    auditAction: `command.${parts.map(normalizeWord).join('.')}`,
  };
}

/** Builds the lookup tables; a duplicate name or alias is a programming error caught at boot. */
export function createRegistry(defs: readonly CommandDef[]): CommandRegistry {
  const byName = new Map<string, CommandDef>();
  const subs = new Map<CommandDef, Map<string, SubcommandDef<any>>>();
  const paths = new Map<string, ResolvedAction>();
  const leavesOf = new Map<CommandDef, ResolvedAction[]>();
  for (const def of defs) {
    for (const n of [def.name, ...(def.aliases ?? [])].map(normalizeWord)) {
      if (byName.has(n)) throw new Error(`command registry: "/${n}" is declared twice`);
      byName.set(n, def);
    }
    const subMap = new Map<string, SubcommandDef<any>>();
    const leaves: ResolvedAction[] = [];
    for (const sub of def.subcommands ?? []) {
      for (const n of [sub.name, ...(sub.aliases ?? [])].map(normalizeWord)) {
        if (subMap.has(n)) throw new Error(`command registry: "/${def.name} ${n}" is declared twice`);
        subMap.set(n, sub);
      }
      leaves.push(leafOf(def, sub));
    }
    if (def.action) leaves.push(leafOf(def, null));
    if (!leaves.length) throw new Error(`command registry: /${def.name} has neither an action nor sub-commands`);
    for (const leaf of leaves) {
      if (leaf.action.sensitive && leaf.action.secretArgs?.length) {
        // Pending confirmations store the arguments; secrets must never be among them.
        throw new Error(`command registry: /${leaf.path} cannot be sensitive and take secret arguments`);
      }
      paths.set(leaf.path, leaf);
    }
    subs.set(def, subMap);
    leavesOf.set(def, leaves);
  }
  const allows = (caller: Caller, leaf: ResolvedAction) =>
    caller.isStaff && caller.active && (leaf.action.permission === null || caller.permissions.has(leaf.action.permission));
  return {
    all: () => defs,
    find: (name) => byName.get(normalizeWord(name)),
    findSub: (def, word) => subs.get(def)?.get(normalizeWord(word)),
    leaves: (def) => leavesOf.get(def) ?? [],
    byPath: (path) => paths.get(path),
    allows,
    allowedLeaves: (caller) => defs.flatMap((d) => leavesOf.get(d) ?? []).filter((l) => allows(caller, l)),
  };
}
