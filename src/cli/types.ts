import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/**
 * Shared CLI types. Sub-commands import these from here, never from src/cli.ts: cli.ts awaits
 * at top level, so importing it back from a sub-command would deadlock the module graph.
 */
export class UsageError extends Error {}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Writes a line to stdout before returning (a kill right after cannot lose it). */
  outSync?: (line: string) => void;
}

export type CommandHandler = (args: string[], ctx: { config: Config; logger: Logger; io: CliIo }) => Promise<number>;
