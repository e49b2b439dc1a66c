/**
 * What the domain sees of a transport: a way to send and a connection state. Only code under
 * src/transport/ imports Baileys or @builderbot/provider-*.
 */

/** A reply produced by a command, a flow or a service, before it is addressed to a JID. */
export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'image'; path?: string; buffer?: Buffer; caption?: string; mimetype?: string }
  | { kind: 'document'; path?: string; buffer?: Buffer; fileName: string; mimetype: string; caption?: string }
  /**
   * A Meta message template: `components` as the Cloud API takes them; `text` is the rendered
   * plain form (header, body, footer, buttons as numbered options) that Baileys sends.
   */
  | { kind: 'template'; name: string; language: string; components: TemplateComponent[]; text: string };

/** A Cloud API template component (header/body/button parameters). */
export interface TemplateComponent {
  type: 'header' | 'body' | 'button';
  sub_type?: string;
  index?: number | string;
  parameters: Array<Record<string, unknown>>;
}

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
