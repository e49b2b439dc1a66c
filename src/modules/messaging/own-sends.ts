import type { OutboundOrigin } from '../../transport/types.ts';

/**
 * Message ids this process is sending, with who caused them. Baileys re-emits our own sends as
 * `append` upserts (`emitOwnEvents`); the echo may be handled before the send's own log row is
 * written, so it looks its origin up here instead of guessing "typed on the phone". Bounded and
 * short-lived: an echo arrives within seconds.
 */
export interface OwnSendInfo {
  origin: OutboundOrigin;
  campaignId?: string | null;
}

export function createOwnSends(opts: { max?: number; ttlMs?: number; now?: () => number } = {}) {
  const max = opts.max ?? 10_000;
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const now = opts.now ?? Date.now;
  const map = new Map<string, OwnSendInfo & { at: number }>();
  return {
    remember(messageId: string, info: OwnSendInfo): void {
      map.set(messageId, { ...info, at: now() });
      if (map.size > max) map.delete(map.keys().next().value!);
    },
    get(messageId: string): OwnSendInfo | null {
      const hit = map.get(messageId);
      if (!hit) return null;
      if (now() - hit.at > ttl) {
        map.delete(messageId);
        return null;
      }
      return { origin: hit.origin, campaignId: hit.campaignId ?? null };
    },
  };
}
