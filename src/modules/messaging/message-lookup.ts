import type { EntityManager } from '@mikro-orm/sql';
import { ConversationLog } from './conversation-log.entity.ts';

/**
 * The text of a message we sent, by provider id. Baileys asks for it (`getMessage`) when a
 * recipient could not decrypt a message and requests a retry: without it the retry is empty.
 */
export async function findOutboundText(em: EntityManager, messageId: string): Promise<string | null> {
  const row = await em.findOne(ConversationLog, { messageId, messageDirection: 'outbound', messageType: 'text' }, { fields: ['body'] });
  return row?.body ?? null;
}
