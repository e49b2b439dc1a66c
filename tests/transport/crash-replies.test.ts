import { describe, expect, it } from 'vitest';
import { runCrashReplies } from '../helpers/crash-replies.ts';

/**
 * Real processes, real SIGKILLs: `mariadono replay` over customer messages and admin commands is
 * killed at random moments and restarted on the same database until a run completes (the long
 * version is `npm run bench -- crash-replies`).
 */
describe('replies survive kill -9 (real replay processes)', () => {
  it('answers every customer message exactly once, runs no command twice, and never logs an unsent message as sent', async () => {
    const r = await runCrashReplies({ messages: 40, kills: 3, seed: 11 });
    expect(r.kills).toBe(3);
    expect(r, JSON.stringify(r)).toMatchObject({ unanswered: 0, double_answered: 0, phantom_sent: 0 });
  }, 240_000);
});
