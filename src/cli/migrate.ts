import type { CommandHandler } from './types.ts';
import { UsageError } from './types.ts';
import { bootCore } from '../app.ts';

export const migrateCommand: CommandHandler = async (args, { config, logger, io }) => {
  if (args.length) throw new UsageError(`unexpected arguments: ${args.join(' ')}`);
  const app = await bootCore(config, logger);
  await app.close();
  io.out(`Database ready (${config.db.kind}): migrations and seeds applied.`);
  return 0;
};
