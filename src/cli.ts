import { writeSync } from 'node:fs';
import { loadConfig, loadEnvFile, ConfigError, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { UsageError, type CliIo, type CommandHandler } from './cli/types.ts';
import { describeFailure } from './cli/failure.ts';
import { join, resolve } from 'node:path';

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
  mariadono files verify [--fix]           vuelve a calcular el SHA-256 de cada archivo de cliente; --fix
                                           marca los que faltan o están dañados para volver a descargarlos
  mariadono replay <eventos.jsonl> [--db <DATABASE_URL>]
                                           reproduce eventos de Baileys grabados por el pipeline real;
                                           imprime cada mensaje enviado como una línea JSON
  mariadono chat --as <teléfono> [--name <nombre>] [--platform baileys|meta]
                                           consola interactiva: escribe como ese usuario de WhatsApp
  mariadono import pedidos <archivo.csv>   importa pedidos de un CSV (informa de cada línea errónea;
                                           se puede repetir sin duplicar)
                                           (meta: por la API de WhatsApp Cloud, simulada en local)
  mariadono --help                         esta ayuda

La configuración se lee de variables de entorno y, si existe, del fichero .env de la carpeta
actual (las variables del entorno mandan); ver README / .env.example.`;


/** fs.writeSync to fd 1; a full non-blocking pipe answers EAGAIN, so wait a moment and retry. */
function writeStdoutSync(line: string): void {
  let buf = Buffer.from(`${line}\n`);
  while (buf.length) {
    try {
      buf = buf.subarray(writeSync(1, buf));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  outSync: writeStdoutSync,
};


const commands = new Map<string, { load: () => Promise<CommandHandler> }>([
  ['start', { load: async () => (await import('./cli/start.ts')).startCommand }],
  ['migrate', { load: async () => (await import('./cli/migrate.ts')).migrateCommand }],
  ['admin', { load: async () => (await import('./cli/admin.ts')).adminCommand }],
  ['audit', { load: async () => (await import('./cli/audit.ts')).auditCommand }],
  ['files', { load: async () => (await import('./cli/files.ts')).filesCommand }],
  ['replay', { load: async () => (await import('./cli/replay.ts')).replayCommand }],
  ['chat', { load: async () => (await import('./cli/chat.ts')).chatCommand }],
  ['import', { load: async () => (await import('./cli/import.ts')).importCommand }],
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
      for (const line of err.message.split('\n')) io.err(`mariadono: ${line}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, ...(name === 'chat' ? chatLogging(config) : {}) });
  try {
    const handler = await cmd.load();
    return await handler(rest, { config, logger, io });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`mariadono ${name}: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    // One Spanish line for the person; the stack and the details only at debug.
    logger.debug({ err }, `mariadono ${name} failed`);
    io.err(`mariadono ${name}: ${describeFailure(err, config)}`);
    return 1;
  }
}

/**
 * `mariadono chat` shares the terminal with a conversation: the log goes to a file
 * (`$STORAGE_DIR/logs/chat.log`, at LOG_LEVEL) and only warnings and errors are shown, formatted.
 */
function chatLogging(config: Config) {
  return { file: join(config.STORAGE_DIR, 'logs', 'chat.log'), consoleLevel: 'warn' };
}

if (import.meta.main) {
  // `.env` in the working directory, under the real environment (which wins); a missing file is fine.
  const problem = loadEnvFile(resolve('.env'));
  if (problem) {
    process.stderr.write(`mariadono: ${problem}\n`);
    process.exit(2);
  }
  const code = await runCli(process.argv.slice(2));
  // `start` keeps running (it resolves only when the app closes); others exit here.
  if (code !== -1) process.exit(code);
}
