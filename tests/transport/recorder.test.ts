import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEventBuffer, proto } from '@whiskeysockets/baileys';
import { createEventRecorder } from '../../src/transport/recorder.ts';
import { parseReplayLine, validateReplayEvent, ReplayLineError } from '../../src/transport/replay/events-file.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestHarness, rows, T0, type TestHarness } from '../helpers/replay.ts';

describe('RECORD_EVENTS recorder', () => {
  let dir: string;
  let h: TestHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records live socket events (protobuf objects, bytes, LID alternates, media bytes) so that replay reproduces them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mariadono-rec-'));
    const file = join(dir, 'session.jsonl');
    const recorder = createEventRecorder(file, silentLogger());
    const ev = makeEventBuffer(silentLogger() as never);
    recorder.attach(ev);

    const bytes = Buffer.from('foto de prueba');
    const msg = proto.WebMessageInfo.fromObject({
      key: { remoteJid: '205766311460953@lid', fromMe: false, id: 'REC-1' },
      messageTimestamp: T0,
      pushName: 'Luis',
      message: { imageMessage: { mimetype: 'image/jpeg', caption: 'mira', fileSha256: createHash('sha256').update(bytes).digest(), mediaKey: new Uint8Array([1, 2, 3]) } },
    });
    // Not in the protobuf schema: set after creating the object, as Baileys does.
    (msg.key as { remoteJidAlt?: string }).remoteJidAlt = '34600000020@s.whatsapp.net';
    ev.emit('messages.upsert', { type: 'notify', messages: [msg as never] });
    ev.emit('connection.update', { connection: 'open', qr: 'SECRET-QR' } as never);
    ev.emit('connection.update', { qr: 'SECRET-QR-2' } as never);
    // The live download is teed into <file>.media/<id> while the pipeline reads it.
    expect(await text(recorder.teeMedia(msg as never, Readable.from([bytes])))).toBe('foto de prueba');
    await recorder.close();

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('SECRET-QR');
    const recorded = parseReplayLine(lines[0]!, 1)!;
    expect(recorded.data.messages[0]).toMatchObject({ key: { remoteJidAlt: '34600000020@s.whatsapp.net' }, mediaFile: 'session.jsonl.media/REC-1' });

    h = await createTestHarness('sqlite', { baseDir: dirname(file), start: new Date(T0 * 1000) });
    for (const [i, l] of lines.entries()) await h.feed(parseReplayLine(l, i + 1));
    expect(await rows(h, 'select "phoneNumber" as phone, lid, nombre from usuarios')).toEqual([{ phone: '34600000020', lid: '205766311460953', nombre: 'Luis' }]);
    expect(await rows(h, 'select download_status, checksum_sha256 from client_file_storage')).toEqual([
      { download_status: 'ok', checksum_sha256: createHash('sha256').update(bytes).digest('hex') },
    ]);
  });
});

describe('replay file validation', () => {
  it('says what is wrong with a line and what is expected, in Spanish, with the line number', () => {
    const err = (v: string, n = 7) => {
      try {
        parseReplayLine(v, n);
      } catch (e) {
        expect(e).toBeInstanceOf(ReplayLineError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err('{oops')).toMatch(/^línea 7: no es JSON válido .* Cada línea debe ser un objeto como \{"type":"messages.upsert"/);
    expect(err('[1,2]')).toMatch(/^línea 7: se esperaba un objeto JSON/);
    expect(err('{"type":"messages.upsert"}')).toBe('línea 7: falta "data" (el contenido del evento messages.upsert)');
    expect(err('{"type":"messages.upsert","data":{"messages":[{"key":{}}]}}')).toContain('el mensaje 1 necesita "key" con "remoteJid" e "id"');
    expect(err('{"type":"group-participants.update","data":{"id":"1@g.us","participants":[],"action":"kick"}}')).toContain('"action" debe ser add, remove, promote, demote o modify');
    expect(parseReplayLine('   ', 3)).toBeNull();
  });

  it('defaults a messages.upsert without "type" to notify', () => {
    const e = validateReplayEvent({ type: 'messages.upsert', data: { messages: [{ key: { remoteJid: 'a@s.whatsapp.net', id: 'x' } }] } });
    expect(e.data.type).toBe('notify');
  });
});
