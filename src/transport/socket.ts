import type { AnyMessageContent, BaileysEventEmitter, GroupMetadata, MiscMessageGenerationOptions, WAMessage } from '@whiskeysockets/baileys';

/**
 * The part of a Baileys socket this app uses. The live socket (`makeWASocket`) has all of it;
 * the replay socket implements the same surface over `makeEventBuffer`, so the provider, the
 * flows and the adapter cannot tell them apart.
 */
export interface SocketLike {
  ev: BaileysEventEmitter;
  user?: { id: string; lid?: string; name?: string } | undefined;
  /**
   * `secret` (ours; Baileys ignores unknown options): the content carries a secret, so sockets that
   * keep copies of what they send (the replay outbox) must not.
   */
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions & { secret?: boolean }): Promise<WAMessage | undefined>;
  groupFetchAllParticipating(): Promise<{ [jid: string]: GroupMetadata }>;
  updateMediaMessage?(message: WAMessage): Promise<WAMessage>;
  signalRepository?: { lidMapping?: { getPNForLID?(lid: string): Promise<string | null | undefined> } };
}
