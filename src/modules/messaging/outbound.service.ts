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
import type { OutboundEntry } from './outbound-writer.ts';
import { replyMessageId } from './replies.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';

/**
 * The one way to send. Every send is one outbound `conversations_log` row with who caused it
 * (flow, command, campaign…) and the business number it went out from, written `pending` BEFORE
 * the transport sees the message and moved to `sent` only once the transport accepted it (or
 * `failed`, with the reason) — so a crash in between leaves `pending`, never a `sent` row for
 * something that never left.
 *
 * A reply to an inbound message (`replyTo`) goes out under an id derived from that message's id
 * and the reply's position (replies.ts): if a row with that id already says it was sent, the
 * send is skipped — answering a message again after a crash never answers it twice. (The Cloud
 * API assigns its own ids: the row written under ours is renamed to Meta's wamid.)
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
  /** This send answers inbound message `messageId`, as its `position`-th reply (0, 1, …). */
  replyTo?: { messageId: string; position: number };
}

export interface OutboundService {
  /** `to`: phone digits, "+34…" or a JID (…@s.whatsapp.net, …@lid, …@g.us). */
  send(to: string, reply: Reply, opts: SendOptions): Promise<SendResult>;
  /** Sends that have not finished yet (replay waits for zero). */
  inFlight(): number;
}

const ALREADY_SENT = new Set(['sent', 'delivered', 'read']);

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

  /** Final status writes never fail the send: a failed write is retried in the background. */
  const record = (entry: OutboundEntry) =>
    deps.ingest.logOutbound(entry).catch((err) => log.error({ err, msgId: entry.messageId }, 'outbound log failed'));

  return {
    inFlight: () => inFlight,
    async send(to, reply, opts) {
      const jid = toSendJid(to);
      if (!jid) throw new ValidationError(`"${to}" no es un número de WhatsApp válido (usa el formato internacional, p. ej. +34600000001).`);
      // Counted from here: choosing the transport reads the database (replay waits for zero).
      inFlight++;
      try {
        const transport = await choose(jid, opts);
        if (!transport) throw new TransportUnavailableError();
        const { messageType, body } = describeReply(reply);
        // Baileys sends under the id we choose; the Cloud API assigns its own, and the row written
        // under ours is renamed once Meta answers.
        const pendingId = opts.replyTo
          ? replyMessageId(opts.replyTo.messageId, opts.replyTo.position)
          : (transport.newMessageId?.() ?? `local-${randomUUID()}`);
        if (opts.replyTo) {
          const status = await deps.ingest.outboundStatus(pendingId).catch(() => undefined);
          if (status && ALREADY_SENT.has(status)) {
            log.debug({ msgId: pendingId }, 'reply already sent before a restart; not sent again');
            return { messageId: pendingId, jid };
          }
        }
        const base: Omit<OutboundEntry, 'status' | 'timestamp'> = {
          messageId: pendingId,
          chatJid: jid,
          peerPhone: phoneOfJid(jid),
          peerLid: lidOfJid(jid),
          platform: transport.platform,
          businessNumberId: transport.businessNumberId(),
          messageType,
          body,
          origin: opts.origin,
          campaignId: opts.campaignId ?? null,
          replyTo: opts.replyTo?.messageId ?? null,
        };
        try {
          await deps.ingest.writeOutboundNow({ ...base, timestamp: deps.clock.now(), status: 'pending' });
        } catch (err) {
          // A logging problem never blocks a reply: send anyway, and let the final write retry.
          log.warn({ err, msgId: pendingId }, 'pending outbound row not written; sending anyway');
        }
        let sent: SendResult;
        try {
          sent = await transport.send(jid, reply, { origin: opts.origin, campaignId: opts.campaignId ?? undefined, messageId: pendingId, answersInbound: Boolean(opts.replyTo) });
        } catch (err) {
          log.warn({ err, origin: opts.origin }, 'send failed');
          deps.metrics?.failure('send');
          await record({ ...base, timestamp: deps.clock.now(), status: 'failed', failureReason: String((err as Error)?.message ?? err).slice(0, 1000) });
          throw err;
        }
        deps.metrics?.messageOut(transport.platform === 'meta_cloud' ? 'meta_cloud' : 'whatsapp');
        await record({ ...base, messageId: sent.messageId, pendingId, timestamp: deps.clock.now(), status: 'sent' });
        return sent;
      } finally {
        inFlight--;
      }
    },
  };
}
