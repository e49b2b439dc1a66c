import { runCrashReplies } from '../tests/helpers/crash-replies.ts';

/**
 * `npm run bench -- crash-replies [--messages 2000] [--kills 10] [--seed 7]`: kills real replay
 * processes at random moments (SIGKILL) until one run completes, then checks every message was
 * answered exactly once (tests/helpers/crash-replies.ts says how each figure is counted).
 */
function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} expects a whole number`);
  return v;
}

export async function run(args: string[]): Promise<void> {
  const messages = flag(args, 'messages', 2000);
  const kills = flag(args, 'kills', 10);
  const seed = flag(args, 'seed', 7);
  const result = await runCrashReplies({ messages, kills, seed, log: (s) => console.log(s) });
  console.log(`messages ${result.messages}, kills ${result.kills}, runs ${result.runs}, ${result.seconds} s`);
  console.log(`unanswered ${result.unanswered}, double answered ${result.double_answered}, phantom sent ${result.phantom_sent}, re-sent under the same id ${result.resent_same_id}`);
  console.log(JSON.stringify(result));
}

export default run;
