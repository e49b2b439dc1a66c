import { loadConfig, ConfigError, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { UsageError, type CliIo, type CommandHandler } from './cli/types.ts';

export { UsageError, type CliIo, type CommandHandler };

/**
 * The `mariadono` command. User-facing output goes to stdout; logs go to stderr.
 * Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
 */

export const USAGE = `mariadono — bot CRM de WhatsApp (MarIADono)

Uso:
  mariadono start                          migra, siembra y arranca el servidor HTTP, WhatsApp y las tareas
  mariadono migrate                        aplica migraciones y datos iniciales pendientes, y termina
  mariadono admin grant <teléfono> <rol>   asigna un rol a un teléfono (p. ej. +34600000001 super_admin)
  mariadono admin totp-reset <teléfono>    quita un autenticador (TOTP) perdido para volver a activarlo
  mariadono audit verify                   comprueba la cadena de hashes del registro de auditoría
  mariadono replay <eventos.jsonl> [--db <DATABASE_URL>]
                                           reproduce eventos de Baileys grabados por el pipeline real;
                                           imprime cada mensaje enviado como una línea JSON
  mariadono chat --as <teléfono> [--name <nombre>] [--platform baileys|meta]
                                           consola interactiva: escribe como ese usuario de WhatsApp
                                           (meta: por la API de WhatsApp Cloud, simulada en local)
  mariadono --help                         esta ayuda

La configuración se lee de variables de entorno (ver README / .env.example).`;


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
    io.err(`mariadono: comando desconocido "${name}".\n\n${USAGE}`);
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
