import type { CommandHandler } from '../cli.ts';

// Reserved: implemented by its own module (see README). Until then it says so and exits 1.
export const auditCommand: CommandHandler = async (_args, { io }) => {
  io.err('mariadono audit: not available in this build yet');
  return 1;
};
