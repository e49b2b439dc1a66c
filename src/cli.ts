import { loadConfig, ConfigError, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { UsageError, type CliIo, type CommandHandler } from './cli/types.ts';

export { UsageError, type CliIo, type CommandHandler };

/**
 * The `mariadono` command. User-facing output goes to stdout; logs go to stderr.
 * Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
 */

export const USAGE = `mariadono — bot CRM de WhatsApp (MarIADono)

Usage:
  mariadono start                          migrate, seed, start the HTTP sidecar, WhatsApp and jobs
  mariadono migrate                        apply pending migrations and seeds, then exit
  mariadono admin grant <phone> <role>     give a phone number a role (e.g. +34600000001 super_admin)
  mariadono admin totp-reset <phone>       remove a lost authenticator (TOTP) so it can be enrolled again
  mariadono audit verify                   check the audit log's hash chain
  mariadono replay <events.jsonl> [--db <DATABASE_URL>]
                                           feed recorded Baileys events through the pipeline;
                                           prints every outbound message as a JSON line
  mariadono chat --as <phone> [--name <pushName>]
                                           interactive console: type as that WhatsApp user
  mariadono --help                         this help

Configuration comes from environment variables (see README / .env.example).`;


const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};


const commands = new Map<string, { load: () => Promise<CommandHandler> }>([
  ['start', { load: async () => (await import('./cli/start.ts')).startCommand }],
  ['migrate', { load: async () => (await import('./cli/migrate.ts')).migrateCommand }],
  ['admin', { load: async () => (await import('./cli/admin.ts')).adminCommand }],
  ['audit', { load: async () => (await import('./cli/audit.ts')).auditCommand }],
  ['replay', { load: async () => (await import('./cli/replay.ts')).replayCommand }],
  ['chat', { load: async () => (await import('./cli/chat.ts')).chatCommand }],
]);

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  const cmd = commands.get(name);
  if (!cmd) {
    io.err(`mariadono: unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  try {
    const handler = await cmd.load();
    return await handler(rest, { config, logger, io });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`mariadono ${name}: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    logger.error({ err }, `mariadono ${name} failed`);
    io.err(`mariadono ${name}: ${(err as Error).message}`);
    return 1;
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2));
  // `start` keeps running (it resolves only when the app closes); others exit here.
  if (code !== -1) process.exit(code);
}
