import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type { BaileysEventEmitter, BaileysEventMap, WAMessage } from '@whiskeysockets/baileys';
import type { Logger } from '../logger.ts';
import { classifyContent } from './message-content.ts';
import { REPLAY_EVENT_TYPES } from './replay/events-file.ts';

/**
 * RECORD_EVENTS: appends the raw socket events, in the replay format, so a live session can be
 * replayed later (`mariadono replay`). Media bytes are copied while the pipeline downloads them
 * into `<file>.media/`, and each media message names its copy in `mediaFile`. QR codes and
 * connection errors are not recorded (a QR is a pairing secret).
 */

/** Every replayable event but `connection.update` (it can carry QR codes, a pairing secret). */
export const RECORDED_EVENTS = REPLAY_EVENT_TYPES.filter(
  (t): t is Exclude<(typeof REPLAY_EVENT_TYPES)[number], 'connection.update'> => t !== 'connection.update',
) satisfies ReadonlyArray<keyof BaileysEventMap>;

/** JSON for Baileys objects: protobuf instances via their toJSON, bytes as base64, longs as numbers. */
export function toReplayJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (v && typeof v === 'object') {
      const o = v as { type?: unknown; data?: unknown; low?: unknown; high?: unknown; toNumber?: () => number };
      if (o.type === 'Buffer' && Array.isArray(o.data)) return Buffer.from(o.data as number[]).toString('base64');
      if (typeof o.low === 'number' && typeof o.high === 'number' && typeof o.toNumber === 'function') return o.toNumber();
    }
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

const safeName = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);

export interface EventRecorder {
  attach(ev: BaileysEventEmitter): void;
  /** Wraps a media download so the bytes are also written next to the recording. */
  teeMedia(raw: WAMessage, stream: Readable): Readable;
  close(): Promise<void>;
}

export function createEventRecorder(path: string, logger: Logger): EventRecorder {
  mkdirSync(dirname(path), { recursive: true });
  const out: WriteStream = createWriteStream(path, { flags: 'a' });
  const mediaDirName = `${basename(path)}.media`;
  const mediaDir = join(dirname(path), mediaDirName);
  const log = logger.child({ module: 'recorder' });
  out.on('error', (err) => log.error({ err }, 'cannot write RECORD_EVENTS file'));

  const messageJson = (raw: WAMessage) => {
    const withJson = raw as unknown as { toJSON?: () => object };
    const json = (typeof withJson.toJSON === 'function' ? withJson.toJSON() : { ...raw }) as Record<string, unknown>;
    // Fields outside the protobuf schema (remoteJidAlt, participantAlt…) are lost by toJSON.
    json.key = { ...(json.key as object), ...raw.key };
    if (raw.key?.id && classifyContent(raw.message).media) json.mediaFile = `${mediaDirName}/${safeName(raw.key.id)}`;
    return json;
  };

  const write = (type: string, data: unknown) => {
    try {
      const payload = type === 'messages.upsert'
        ? { ...(data as BaileysEventMap['messages.upsert']), messages: (data as BaileysEventMap['messages.upsert']).messages.map(messageJson) }
        : data;
      out.write(`${toReplayJson({ type, data: payload })}\n`);
    } catch (err) {
      log.warn({ err, event: type }, 'event not recorded');
    }
  };

  return {
    attach(ev) {
      for (const name of RECORDED_EVENTS) ev.on(name, (data: unknown) => write(name, data));
      ev.on('connection.update', (u) => {
        if (u.connection === 'open' || u.connection === 'close') write('connection.update', { connection: u.connection });
      });
    },
    teeMedia(raw, stream) {
      if (!raw.key?.id) return stream;
      mkdirSync(mediaDir, { recursive: true });
      const copy = createWriteStream(join(mediaDir, safeName(raw.key.id)));
      copy.on('error', (err) => log.warn({ err }, 'media copy not recorded'));
      const tee = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          copy.write(chunk);
          cb(null, chunk);
        },
        flush(cb) {
          copy.end();
          cb();
        },
      });
      tee.on('close', () => copy.end());
      stream.on('error', (err) => tee.destroy(err));
      return stream.pipe(tee);
    },
    close: () => new Promise<void>((resolve) => out.end(() => resolve())),
  };
}
