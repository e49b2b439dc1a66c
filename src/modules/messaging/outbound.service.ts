import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { ValidationError } from '../../shared/errors.ts';
import type { OutboundOrigin, Reply, SendResult, Transport } from '../../transport/types.ts';
import { describeReply, TransportUnavailableError } from '../../transport/reply.ts';
import { lidOfJid, phoneOfJid, toSendJid } from '../../transport/jid.ts';
import type { IngestService } from './ingest.service.ts';
import type { MetricsRegistry } from '../../http/metrics-registry.ts';

/**
 * The one way to send: through the active transport, then one outbound `conversations_log` row
 * with who caused it (flow, command, campaign…). A failed send is logged as `failed` with the
 * reason and rethrown; a failed log write never fails the send (the ingest retries it).
 */

export interface SendOptions {
  origin: OutboundOrigin;
  campaignId?: string | null;
}

export interface OutboundService {
  /** `to`: phone digits, "+34…" or a JID (…@s.whatsapp.net, …@lid, …@g.us). */
  send(to: string, reply: Reply, opts: SendOptions): Promise<SendResult>;
  /** Sends that have not finished yet (replay waits for zero). */
  inFlight(): number;
}

export function createOutboundService(deps: {
  logger: Logger;
  clock: Clock;
  ingest: IngestService;
  metrics?: MetricsRegistry;
  transport(): Transport | null;
}): OutboundService {
  const log = deps.logger.child({ module: 'outbound' });
  let inFlight = 0;

  const record = (entry: Parameters<IngestService['logOutbound']>[0]) =>
    deps.ingest.logOutbound(entry).catch((err) => log.error({ err, msgId: entry.messageId }, 'outbound log failed'));

  return {
    inFlight: () => inFlight,
    async send(to, reply, opts) {
      const jid = toSendJid(to);
      if (!jid) throw new ValidationError(`"${to}" no es un número de WhatsApp válido (usa el formato internacional, p. ej. +34600000001).`);
      const transport = deps.transport();
      if (!transport) throw new TransportUnavailableError();
      const { messageType, body } = describeReply(reply);
      const base = {
        chatJid: jid,
        peerPhone: phoneOfJid(jid),
        peerLid: lidOfJid(jid),
        platform: transport.platform,
        messageType,
        body,
        origin: opts.origin,
        campaignId: opts.campaignId ?? null,
      };
      inFlight++;
      try {
        const sent = await transport.send(jid, reply, { origin: opts.origin, campaignId: opts.campaignId ?? undefined });
        deps.metrics?.messageOut(transport.platform === 'meta_cloud' ? 'meta_cloud' : 'whatsapp');
        await record({ ...base, messageId: sent.messageId, timestamp: deps.clock.now(), status: 'sent' });
        return sent;
      } catch (err) {
        log.warn({ err, origin: opts.origin }, 'send failed');
        deps.metrics?.failure('send');
        await record({ ...base, messageId: `failed-${randomUUID()}`, timestamp: deps.clock.now(), status: 'failed', failureReason: String((err as Error)?.message ?? err).slice(0, 1000) });
        throw err;
      } finally {
        inFlight--;
      }
    },
  };
}
