import type { Config } from '../config.ts';
import type { MessageReceived } from './events.ts';

/**
 * Who answers a logged message. Nothing answers history (`append`), our own messages, repeats
 * of a message already logged, or anything older than REPLY_MAX_AGE (a restart must not
 * re-answer old conversations), nor reactions, edits and deletions. `/…` goes to the admin
 * router, never to the flows; in groups only when ALLOW_GROUP_COMMANDS is on.
 */
export type Route = 'flow' | 'command' | 'none';

export function isCommandText(body: string | null | undefined): boolean {
  return typeof body === 'string' && body.trimStart().startsWith('/');
}

export function routeOf(
  e: MessageReceived,
  outcome: { inserted: boolean; replyState?: string | null } | undefined,
  now: Date,
  config: Pick<Config, 'REPLY_MAX_AGE' | 'ALLOW_GROUP_COMMANDS'>,
): Route {
  // A failed write still reports inserted = true: a logging problem never blocks a reply. A
  // redelivery is answered only while its first delivery's answer has not finished (a crash).
  if (outcome && !outcome.inserted && !(outcome.replyState && outcome.replyState !== 'done')) return 'none';
  if (e.upsertType !== 'notify' || e.fromMe) return 'none';
  if (now.getTime() - e.timestamp.getTime() > config.REPLY_MAX_AGE) return 'none';
  // A reaction, an edit or a deletion is not something to answer (an edit into "/…" included).
  if (e.messageType === 'reaction' || e.messageType === 'system') return 'none';
  if (isCommandText(e.body)) return !e.isGroup || config.ALLOW_GROUP_COMMANDS ? 'command' : 'none';
  return e.isGroup ? 'none' : 'flow';
}
