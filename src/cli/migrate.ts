import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { bootCore } from '../app.ts';

export const migrateCommand: CommandHandler = async (args, { config, logger, io }) => {
  if (args.length) throw new UsageError(`argumentos inesperados: ${args.join(' ')}`);
  const app = await bootCore(config, logger);
  await app.close();
  io.out(`Base de datos lista (${config.db.kind}): migraciones y datos iniciales aplicados.`);
  return 0;
};
