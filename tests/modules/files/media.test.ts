import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, upsert, wa, T0, type TestHarness } from '../../helpers/replay.ts';
import { sanitizeFileName } from '../../../src/modules/files/file-names.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/replay');
const PNG = readFileSync(join(FIXTURES, 'pixel.png'));
const PDF = readFileSync(join(FIXTURES, 'factura.pdf'));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

const image = (id: string, extra: Record<string, unknown> = {}, mediaFile: string | null = 'pixel.png') =>
  wa({ phone: '34600000001', id, name: 'Ana', mediaFile: mediaFile ?? undefined, message: { imageMessage: { mimetype: 'image/png', caption: 'mi foto', ...extra } } });

describe('media storage (replay → files + client_file_storage)', () => {
  let h: TestHarness;
  const start = async (env: Record<string, string> = {}) => {
    h = await createTestHarness('sqlite', { baseDir: FIXTURES, start: new Date(T0 * 1000), env });
    return h;
  };
  afterEach(async () => h?.cleanup());

  it('streams an image to clients/client_{id}/media/images/<sha256>.png and records it', async () => {
    await start();
    const replies = await h.feed(upsert([image('IMG-1', { fileSha256: b64sha(PNG), fileLength: PNG.length })]));
    expect(texts(replies)).toContain('¡Gracias! Hemos recibido tu archivo. Si necesitas algo más, escribe *menú*.');
    const [file] = await rows(h, 'select f.cliente_id, f.message_id, f.file_type, f.mime_type, f.file_size, f.file_path, f.checksum_sha256, f.download_status, f.download_error, u."phoneNumber" as phone from client_file_storage f join usuarios u on u.id = f.cliente_id');
    expect(file).toMatchObject({ phone: '34600000001', message_id: 'IMG-1', file_type: 'image', mime_type: 'image/png', file_size: PNG.length, checksum_sha256: sha256(PNG), download_status: 'ok', download_error: null });
    expect(file!.file_path).toBe(`clients/client_${file!.cliente_id}/media/images/${sha256(PNG)}.png`);
    const onDisk = readFileSync(join(h.config.STORAGE_DIR, file!.file_path as string));
    expect(sha256(onDisk)).toBe(sha256(PNG));
    expect(await rows(h, "select message_type, body from conversations_log where message_id = 'IMG-1'")).toEqual([{ message_type: 'image', body: 'mi foto' }]);
  });

  it('stores the same bytes from one client once on disk, with one row per message', async () => {
    await start();
    await h.feed(upsert([image('IMG-A')]));
    await h.feed(upsert([image('IMG-B')]));
    const files = await rows(h, 'select message_id, file_path from client_file_storage order by message_id');
    expect(files.map((f) => f.message_id)).toEqual(['IMG-A', 'IMG-B']);
    expect(files[0]!.file_path).toBe(files[1]!.file_path);
    const dir = join(h.config.STORAGE_DIR, String(files[0]!.file_path).split('/').slice(0, -1).join('/'));
    expect(readdirSync(dir)).toEqual([`${sha256(PNG)}.png`]);
  });

  it('never uses the sender’s file name as a path: documents go under documents/, the name is only sanitized metadata', async () => {
    await start();
    await h.feed(upsert([wa({ phone: '34600000002', id: 'DOC-1', mediaFile: 'factura.pdf', message: { documentMessage: { mimetype: 'application/pdf', fileName: '../../../etc/passwd\u0000.pdf', caption: 'factura' } } })]));
    const [f] = await rows(h, 'select cliente_id, file_type, original_filename, file_path, download_status from client_file_storage');
    expect(f).toMatchObject({ file_type: 'document', original_filename: 'passwd.pdf', download_status: 'ok', file_path: `clients/client_${f!.cliente_id}/documents/${sha256(PDF)}.pdf` });
    expect(existsSync(join(h.config.STORAGE_DIR, f!.file_path as string))).toBe(true);
  });

  it('files audio under media/audio, video under media/videos and stickers under media/images', async () => {
    await start();
    await h.feed(upsert([
      wa({ id: 'AUD-1', mediaFile: 'pixel.png', message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true } } }),
      wa({ id: 'VID-1', mediaFile: 'factura.pdf', message: { videoMessage: { mimetype: 'video/mp4' } } }),
      wa({ id: 'STK-1', mediaFile: 'pixel.png', message: { stickerMessage: { mimetype: 'image/webp' } } }),
    ]));
    const files = await rows(h, 'select message_id, file_type, file_path from client_file_storage order by message_id');
    expect(files.map((f) => [f.message_id, f.file_type, String(f.file_path).replace(/^clients\/client_\d+\//, '')])).toEqual([
      ['AUD-1', 'audio', `media/audio/${sha256(PNG)}.ogg`],
      ['STK-1', 'image', `media/images/${sha256(PNG)}.webp`],
      ['VID-1', 'video', `media/videos/${sha256(PDF)}.mp4`],
    ]);
  });

  it('records an oversize file as too_large (declared or streamed) and keeps the message logged', async () => {
    await start({ MEDIA_MAX_BYTES: '50' });
    await h.feed(upsert([image('BIG-DECLARED', { fileLength: 5000 }), image('BIG-STREAMED')]));
    const files = await rows(h, 'select message_id, download_status, download_error, file_path from client_file_storage order by message_id');
    expect(files).toMatchObject([
      { message_id: 'BIG-DECLARED', download_status: 'too_large', file_path: '', download_error: expect.stringContaining('MEDIA_MAX_BYTES') },
      { message_id: 'BIG-STREAMED', download_status: 'too_large', file_path: '', download_error: expect.stringContaining('MEDIA_MAX_BYTES') },
    ]);
    expect(readdirSync(join(h.config.STORAGE_DIR, 'clients'), { recursive: true }).filter((p) => String(p).endsWith('.png'))).toEqual([]);
    expect(await rows(h, "select count(*) as n from conversations_log where message_id like 'BIG-%'")).toEqual([{ n: 2 }]);
  });

  it('records a failed download with its reason, keeps the message and still answers', async () => {
    await start();
    const replies = await h.feed(upsert([image('LOST-1', {}, null), image('LOST-2', {}, 'no-such-file.png')]));
    expect(replies.length).toBeGreaterThan(0);
    const files = await rows(h, 'select message_id, download_status, download_error from client_file_storage order by message_id');
    expect(files).toMatchObject([
      { message_id: 'LOST-1', download_status: 'failed', download_error: expect.stringContaining('mediaFile') },
      { message_id: 'LOST-2', download_status: 'failed', download_error: expect.stringContaining('ENOENT') },
    ]);
    expect(await rows(h, "select count(*) as n from conversations_log where message_id like 'LOST-%'")).toEqual([{ n: 2 }]);
  });

  it('rejects bytes that do not match WhatsApp’s fileSha256 and says so on the row', async () => {
    await start();
    await h.feed(upsert([image('BAD-SHA', { fileSha256: b64sha(PDF) })]));
    const [f] = await rows(h, 'select download_status, download_error, source_sha256, file_path from client_file_storage');
    expect(f).toMatchObject({ download_status: 'checksum_mismatch', source_sha256: sha256(PDF), file_path: '', download_error: expect.stringContaining(sha256(PNG)) });
  });
});

describe('sanitizeFileName', () => {
  it('keeps only a plain, short file name', () => {
    expect(sanitizeFileName('C:\\Users\\ana\\factura 2024.pdf')).toBe('factura 2024.pdf');
    expect(sanitizeFileName('../../.bashrc')).toBe('bashrc');
    expect(sanitizeFileName('a<b>c|d?.txt')).toBe('a_b_c_d_.txt');
    expect(sanitizeFileName('...')).toBeNull();
    expect(sanitizeFileName('x'.repeat(500))).toHaveLength(200);
  });
});

describe('media repair', () => {
  let h: TestHarness;
  afterEach(async () => h?.cleanup());

  it('downloads failed media again from the stored media key and records the file', async () => {
    h = await createTestHarness('sqlite', { baseDir: FIXTURES, start: new Date(T0 * 1000) });
    await h.feed(upsert([wa({ phone: '34600000001', id: 'FIX-1', message: { imageMessage: { mimetype: 'image/png', mediaKey: Buffer.from('k').toString('base64'), directPath: '/v/t62/x', fileSha256: b64sha(PNG) } } })]));
    expect(await rows(h, 'select download_status from client_file_storage')).toEqual([{ download_status: 'failed' }]);
    const asked: Array<Record<string, unknown>> = [];
    const queued = await h.services.media.retryFailed(async (c) => {
      asked.push({ id: c.messageId, jid: c.remoteJid, ...c.mediaKey });
      return Readable.from([PNG]);
    });
    await h.services.media.drain();
    expect(queued).toBe(1);
    expect(asked).toEqual([expect.objectContaining({ id: 'FIX-1', jid: '34600000001@s.whatsapp.net', field: 'imageMessage', directPath: '/v/t62/x', mediaKey: Buffer.from('k').toString('base64') })]);
    expect(await rows(h, 'select download_status, checksum_sha256 from client_file_storage')).toEqual([{ download_status: 'ok', checksum_sha256: sha256(PNG) }]);
    expect(await h.services.media.retryFailed(async () => Readable.from([]))).toBe(0);
  });

  it('retries checksum mismatches too, and gives up after the repair window', async () => {
    h = await createTestHarness('sqlite', { baseDir: FIXTURES, start: new Date(T0 * 1000) });
    const key = { mediaKey: Buffer.from('k').toString('base64'), directPath: '/v/t62/y' };
    await h.feed(upsert([
      wa({ phone: '34600000001', id: 'MISMATCH-1', mediaFile: 'factura.pdf', message: { imageMessage: { mimetype: 'image/png', fileSha256: b64sha(PNG), ...key } } }),
      wa({ phone: '34600000001', id: 'OLD-FAIL', message: { imageMessage: { mimetype: 'image/png', ...key } } }),
    ]));
    expect(await rows(h, 'select message_id, download_status from client_file_storage order by message_id')).toEqual([
      { message_id: 'MISMATCH-1', download_status: 'checksum_mismatch' },
      { message_id: 'OLD-FAIL', download_status: 'failed' },
    ]);
    // OLD-FAIL arrived eight days ago: the sender's phone no longer has it.
    await h.orm.em.fork().getConnection().execute("update client_file_storage set created_at = ? where message_id = 'OLD-FAIL'", [(T0 - 8 * 86400) * 1000]);
    const asked: string[] = [];
    expect(await h.services.media.retryFailed(async (c) => (asked.push(c.messageId), Readable.from([PNG])))).toBe(1);
    await h.services.media.drain();
    expect(asked).toEqual(['MISMATCH-1']);
    expect(await rows(h, "select download_status, checksum_sha256 from client_file_storage where message_id = 'MISMATCH-1'")).toEqual([{ download_status: 'ok', checksum_sha256: sha256(PNG) }]);
  });

  it('takes turns: a file that keeps failing does not starve the others', async () => {
    h = await createTestHarness('sqlite', { baseDir: FIXTURES, start: new Date(T0 * 1000) });
    const key = { mediaKey: Buffer.from('k').toString('base64'), directPath: '/v/t62/z' };
    await h.feed(upsert(['TURN-A', 'TURN-B'].map((id) => wa({ phone: '34600000001', id, message: { imageMessage: { mimetype: 'image/png', ...key } } }))));
    const conn = h.orm.em.fork().getConnection();
    await conn.execute("update client_file_storage set updated_at = case message_id when 'TURN-A' then 1000 else 2000 end");
    const asked: string[] = [];
    const broken = async (c: { messageId: string }) => {
      asked.push(c.messageId);
      throw new Error('still expired');
    };
    for (let i = 0; i < 3; i++) {
      await h.services.media.retryFailed(broken, 1);
      await h.services.media.drain();
    }
    expect(asked).toEqual(['TURN-A', 'TURN-B', 'TURN-A']);
  });

  it('retries a download left pending by a crash, but not one still in progress', async () => {
    h = await createTestHarness('sqlite', { baseDir: FIXTURES, start: new Date(T0 * 1000) });
    const key = { mediaKey: Buffer.from('k').toString('base64'), directPath: '/v/t62/p' };
    await h.feed(upsert(['CRASHED', 'IN-FLIGHT'].map((id) => wa({ phone: '34600000001', id, message: { imageMessage: { mimetype: 'image/png', ...key } } }))));
    // As a process that stopped mid-transfer leaves them: still pending, one of them for an hour.
    const conn = h.orm.em.fork().getConnection();
    await conn.execute("update client_file_storage set download_status = 'pending', updated_at = case message_id when 'CRASHED' then ? else ? end", [
      (T0 - 3600) * 1000,
      (T0 - 60) * 1000,
    ]);
    const asked: string[] = [];
    expect(await h.services.media.retryFailed(async (c) => (asked.push(c.messageId), Readable.from([PNG])))).toBe(1);
    await h.services.media.drain();
    expect(asked).toEqual(['CRASHED']);
    expect(await rows(h, 'select message_id, download_status from client_file_storage order by message_id')).toEqual([
      { message_id: 'CRASHED', download_status: 'ok' },
      { message_id: 'IN-FLIGHT', download_status: 'pending' },
    ]);
  });
});
