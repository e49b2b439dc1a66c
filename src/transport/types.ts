/**
 * What the domain sees of a transport: a way to send and a connection state. Only code under
 * src/transport/ imports Baileys or @builderbot/provider-*.
 */

/** A reply produced by a command, a flow or a service, before it is addressed to a JID. */
export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'image'; path?: string; buffer?: Buffer; caption?: string; mimetype?: string }
  | { kind: 'document'; path?: string; buffer?: Buffer; fileName: string; mimetype: string; caption?: string };

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
  send(jid: string, reply: Reply, opts?: { origin?: OutboundOrigin; campaignId?: string }): Promise<SendResult>;
  state(): ConnectionState;
}

export const text = (t: string): Reply => ({ kind: 'text', text: t });
