import type { Readable } from 'node:stream';

/**
 * Normalized domain events. The Baileys adapter (live and replay) and the Meta Cloud API
 * webhook processor both produce these; the ingest pipeline consumes them. Nothing outside
 * src/transport and src/modules/meta knows the providers' own shapes.
 */

export type Platform = 'baileys' | 'meta_cloud';

export type MessageType =
  | 'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'reaction' | 'location'
  | 'contact' | 'poll' | 'interactive' | 'button' | 'template' | 'system' | 'unknown';

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface MediaRef {
  kind: MediaKind;
  mimetype?: string | null;
  fileName?: string | null;
  /** Size announced by the sender, when known (checked against MEDIA_MAX_BYTES before downloading). */
  declaredSize?: number | null;
  /** WhatsApp's fileSha256 of the plaintext, hex, when the message carries it. */
  expectedSha256?: string | null;
  /** Opens the bytes (Baileys download, Graph API download, or a replay file). */
  open(): Promise<Readable>;
  /** Data needed to retry the download later (media key, direct path, Graph media id). */
  retryInfo?: Record<string, unknown>;
}

export interface MessageReceived {
  type: 'message';
  platform: Platform;
  /** Provider message id: the idempotency key. */
  messageId: string;
  /** The chat: a person's JID (1:1) or a group JID. */
  chatJid: string;
  isGroup: boolean;
  /** Sender's phone digits with country code (in groups: the participant); null when only a LID is known. */
  senderPhone: string | null;
  /** Sender's LID digits (Baileys 7), when known. */
  senderLid?: string | null;
  /** Counterpart's phone for 1:1 chats (the customer), also for messages we sent. */
  peerPhone?: string | null;
  peerLid?: string | null;
  senderName?: string | null;
  /** Sent by this WhatsApp account (bot, campaign, or staff typing on the phone). */
  fromMe: boolean;
  timestamp: Date;
  messageType: MessageType;
  body: string | null;
  quotedId?: string | null;
  media?: MediaRef | null;
  /** Baileys' upsert type: 'append' is history sync (logged, never answered). Meta: always 'notify'. */
  upsertType: 'notify' | 'append';
  /** Interactive/button reply id, reaction target, etc. */
  extra?: Record<string, unknown>;
  /**
   * Which of our numbers it came in on (or went out from): the Cloud API phone number id, or the
   * Baileys account's phone digits. Replies go out from the same number.
   */
  businessNumberId?: string | null;
}

export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface ReceiptUpdated {
  type: 'receipt';
  platform: Platform;
  messageId: string;
  status: DeliveryStatus;
  timestamp: Date;
  /** Group receipts name the participant. */
  participantPhone?: string | null;
  error?: { code?: number | string; title?: string } | null;
  /** Meta Cloud API only: the status webhook's `pricing` (what Meta bills this message as). */
  pricing?: { category: string; model?: string; billable?: boolean } | null;
}

export interface GroupInfo {
  jid: string;
  subject?: string | null;
  subjectTime?: Date | null;
  description?: string | null;
  creation?: Date | null;
  ownerPhone?: string | null;
  size?: number | null;
  participants?: GroupParticipant[];
}

export interface GroupParticipant {
  phone: string | null;
  lid?: string | null;
  jid: string;
  admin?: 'admin' | 'superadmin' | null;
  name?: string | null;
}

export interface GroupUpserted {
  type: 'group.upsert';
  /** true when the list is the full set from a sync (members missing from it have left). */
  fullSync: boolean;
  groups: GroupInfo[];
  timestamp: Date;
}

export interface GroupUpdated {
  type: 'group.update';
  jid: string;
  subject?: string | null;
  description?: string | null;
  timestamp: Date;
}

export interface GroupParticipantsChanged {
  type: 'group.participants';
  jid: string;
  action: 'add' | 'remove' | 'promote' | 'demote' | 'modify';
  author?: string | null;
  participants: GroupParticipant[];
  timestamp: Date;
}

export interface ContactUpserted {
  type: 'contact';
  phone: string | null;
  lid?: string | null;
  name?: string | null;
  timestamp: Date;
}

export type DomainEvent =
  | MessageReceived
  | ReceiptUpdated
  | GroupUpserted
  | GroupUpdated
  | GroupParticipantsChanged
  | ContactUpserted;
