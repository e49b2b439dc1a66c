import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { ValidationError } from '../../shared/errors.ts';
import type { OutboundOrigin, Reply, SendResult, Transport } from '../../transport/types.ts';
import type { Platform } from '../../transport/events.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { TransportRegistry } from './transports.ts';
import { latestInbound } from './customer-window.ts';
import { describeReply, TransportUnavailableError } from '../../transport/reply.ts';
import { lidOfJid, phoneOfJid, toSendJid } from '../../transport/jid.ts';
import type { IngestService } from './ingest.service.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';

/**
 * The one way to send: through a transport, then one outbound `conversations_log` row with who
 * caused it (flow, command, campaign…) and the business number it went out from. A failed send
 * is logged as `failed` with the reason and rethrown; a failed log write never fails the send
 * (the ingest retries it).
 *
 * Which transport: the caller's explicit platform / business number (campaigns), otherwise the
 * platform and number of the client's latest inbound message (whoever the customer wrote to
 * answers), otherwise the first transport running (Baileys when it runs).
 */

export interface SendOptions {
  origin: OutboundOrigin;
  campaignId?: string | null;
  /** Send through this platform (explicit choice; no fallback to another platform). */
  platform?: Platform | null;
  /** Send from this business number (Cloud API phone number id, or the Baileys phone). */
  businessNumberId?: string | null;
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
  orm: Orm;
  ingest: IngestService;
  metrics?: MetricsRegistry;
  transports: TransportRegistry;
}): OutboundService {
  const log = deps.logger.child({ module: 'outbound' });
  let inFlight = 0;

  const choose = async (jid: string, opts: SendOptions): Promise<Transport | null> => {
    if (opts.platform || opts.businessNumberId) return deps.transports.pick({ platform: opts.platform, businessNumberId: opts.businessNumberId }, true);
    if (deps.transports.all().length <= 1) return deps.transports.pick({}, false);
    const last = await withEm(deps.orm, (em) => latestInbound(em, { phone: phoneOfJid(jid), jid })).catch((err) => {
      log.warn({ err }, 'latest inbound lookup failed; using the default transport');
      return null;
    });
    return deps.transports.pick({ platform: last?.platform, businessNumberId: last?.businessNumberId }, false);
  };

  const record = (entry: Parameters<IngestService['logOutbound']>[0]) =>
    deps.ingest.logOutbound(entry).catch((err) => log.error({ err, msgId: entry.messageId }, 'outbound log failed'));

  return {
    inFlight: () => inFlight,
    async send(to, reply, opts) {
      const jid = toSendJid(to);
      if (!jid) throw new ValidationError(`"${to}" no es un número de WhatsApp válido (usa el formato internacional, p. ej. +34600000001).`);
      // Counted from here: choosing the transport reads the database (replay waits for zero).
      inFlight++;
      let transport: Transport | null;
      try {
        transport = await choose(jid, opts);
      } finally {
        inFlight--;
      }
      if (!transport) throw new TransportUnavailableError();
      const { messageType, body } = describeReply(reply);
      const base = {
        chatJid: jid,
        peerPhone: phoneOfJid(jid),
        peerLid: lidOfJid(jid),
        platform: transport.platform,
        businessNumberId: transport.businessNumberId(),
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
