import { UsageError, type CommandHandler } from './types.ts';
import { installSignalHandlers, startApp } from '../main.ts';

/** Runs until SIGINT/SIGTERM; returns -1 so the CLI does not exit underneath the app. */
export const startCommand: CommandHandler = async (args, { config, logger }) => {
  if (args.length) throw new UsageError(`argumentos inesperados: ${args.join(' ')}`);
  const app = await startApp(config, logger);
  installSignalHandlers(app);
  return -1;
};
