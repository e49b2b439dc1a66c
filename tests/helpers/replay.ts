import type { DbKind } from '../../src/config.ts';
import { createReplayHarness, type ReplayHarness, type ReplayHarnessOptions } from '../../src/transport/replay/harness.ts';
import type { SentRecord } from '../../src/transport/replay/fake-socket.ts';
import { createTestOrm } from './db.ts';

/**
 * A conversation test bench over the real seam (BuilderBot provider + flows + adapter + ingest
 * on a throwaway database). For any engineer's test:
 *
 *   const h = await createTestHarness();               // SQLite; ('postgresql') for PG
 *   const replies = await h.say('34600000001', '/ayuda');
 *   expect(texts(replies)[0]).toContain('…');
 *   await h.cleanup();
 *
 * `h.feed({type, data})` feeds any Baileys-shaped event; `h.orm` / `h.services` reach the rest.
 */
export interface TestHarness extends ReplayHarness {
  cleanup(): Promise<void>;
}

export async function createTestHarness(
  kind: DbKind = 'sqlite',
  opts: { env?: Record<string, string> } & Omit<ReplayHarnessOptions, 'config' | 'orm'> = {},
): Promise<TestHarness> {
  const db = await createTestOrm(kind, { env: opts.env });
  try {
    const harness = await createReplayHarness({ ...opts, config: db.config, orm: db.orm });
    return Object.assign(harness, {
      async cleanup() {
        await harness.close();
        await db.cleanup();
      },
    });
  } catch (err) {
    await db.cleanup();
    throw err;
  }
}

/** The text of each reply (caption for media), in order. */
export function texts(records: SentRecord[]): string[] {
  return records.map((r) => String(r.content.text ?? r.content.caption ?? ''));
}

/** Raw SQL rows (snake_case columns), for assertions on exactly what is stored. */
export async function rows<T = Record<string, unknown>>(h: { orm: ReplayHarness['orm'] }, sql: string, params: unknown[] = []): Promise<T[]> {
  return h.orm.em.fork().getConnection().execute(sql, params) as Promise<T[]>;
}

/** 2024-11-24T03:46:40Z: replay tests start here (harness `start`). */
export const T0 = 1732420000;
let seq = 0;

export interface WaOptions {
  /** Chat JID (default: the phone JID of `phone`). */
  jid?: string;
  phone?: string;
  id?: string;
  text?: string;
  /** Seconds since the epoch (default T0). */
  ts?: number;
  name?: string;
  fromMe?: boolean;
  participant?: string;
  alt?: string;
  message?: Record<string, unknown>;
  mediaFile?: string;
}

/** A Baileys WAMessage in its JSON shape (as in a replay file). */
export function wa(o: WaOptions): Record<string, unknown> {
  const jid = o.jid ?? `${o.phone ?? '34600000001'}@s.whatsapp.net`;
  const key: Record<string, unknown> = { remoteJid: jid, fromMe: o.fromMe ?? false, id: o.id ?? `TEST${String(++seq).padStart(6, '0')}` };
  if (o.participant) key.participant = o.participant;
  if (o.alt) key[o.participant ? 'participantAlt' : 'remoteJidAlt'] = o.alt;
  const msg: Record<string, unknown> = { key, messageTimestamp: o.ts ?? T0, message: o.message ?? { conversation: o.text ?? 'hola' } };
  if (o.name) msg.pushName = o.name;
  if (o.mediaFile) msg.mediaFile = o.mediaFile;
  return msg;
}

export function upsert(messages: Record<string, unknown>[], type: 'notify' | 'append' = 'notify') {
  return { type: 'messages.upsert', data: { type, messages } };
}
