/**
 * What the domain sees of a transport: a way to send and a connection state. Only code under
 * src/transport/ imports Baileys or @builderbot/provider-*.
 */

/**
 * A Cloud API template component, as Meta documents it for `POST /{phone-number-id}/messages`
 * (`{type:'header'|'body'|'button', sub_type?, index?, parameters:[…]}`).
 */
export interface TemplateComponent {
  type: 'header' | 'body' | 'button';
  sub_type?: string;
  index?: number | string;
  parameters: Array<Record<string, unknown>>;
}

export interface ReplyButton {
  /** What comes back as the answer (`button_reply.id` on the Cloud API; its number on Baileys). */
  id: string;
  /** At most 20 characters (Meta's limit). */
  title: string;
}

export interface ReplyListRow {
  id: string;
  title: string;
  description?: string;
}

/** A reply produced by a command, a flow or a service, before it is addressed to a JID. */
export type Reply =
  /** `redact`: parts of `text` (one-time codes) that the conversation log must not keep. */
  | { kind: 'text'; text: string; redact?: string[] }
  /** `secret`: the picture carries a secret (a TOTP QR): no copy of it may stay on disk. */
  | { kind: 'image'; path?: string; buffer?: Buffer; caption?: string; mimetype?: string; secret?: boolean }
  | { kind: 'document'; path?: string; buffer?: Buffer; fileName: string; mimetype: string; caption?: string }
  /**
   * A Meta-approved template. `text` is the already-rendered plain-text form (header, body,
   * footer, buttons as numbered options, URL buttons as their link) that Baileys sends.
   */
  | { kind: 'template'; name: string; language: string; components: TemplateComponent[]; text: string }
  /** Up to 3 quick replies: real reply buttons on the Cloud API, numbered options on Baileys. */
  | { kind: 'buttons'; text: string; buttons: ReplyButton[]; footer?: string }
  /** Sections of rows: a real list message on the Cloud API, numbered options on Baileys. */
  | { kind: 'list'; text: string; button: string; sections: Array<{ title?: string; rows: ReplyListRow[] }> };

export type ConnectionStatus = 'disabled' | 'connecting' | 'qr' | 'open' | 'reconnecting' | 'logged_out' | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  since: string;
  reconnects: number;
  lastError?: string;
  lastInboundAt?: string | null;
  decryptFailures?: number;
}

/** Who caused an outbound message: kept in conversations_log.origin. */
export type OutboundOrigin = 'bot' | 'flow' | 'campaign' | 'command' | 'api' | 'staff_phone';

export interface SendResult {
  messageId: string;
  jid: string;
}

export interface Transport {
  readonly platform: 'baileys' | 'meta_cloud';
  /**
   * `messageId`: the id to send under, where the platform lets the sender choose it (Baileys);
   * a platform that assigns its own (the Cloud API's wamid) returns that one instead.
   */
  send(jid: string, reply: Reply, opts?: { origin?: OutboundOrigin; campaignId?: string; messageId?: string; answersInbound?: boolean }): Promise<SendResult>;
  /** A fresh id to send under, on platforms where the sender chooses it. */
  newMessageId?(): string;
  /**
   * The business number this transport sends from: the Cloud API phone number id, or the
   * Baileys account's phone digits (null until the socket knows it).
   */
  businessNumberId(): string | null;
  state(): ConnectionState;
  /** Re-syncs the groups this number is in (Baileys; the group-sync job calls it). */
  syncGroups?(): Promise<void>;
  /** Retries failed media downloads (Baileys' re-upload request; the media-repair job calls it). */
  repairMedia?(): Promise<void>;
}

export const text = (t: string): Reply => ({ kind: 'text', text: t });
