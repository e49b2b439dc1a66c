import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extensionFor, sanitizeFileName } from '../../../src/modules/files/file-names.ts';
import { createRng, pick } from '../../helpers/fuzz.ts';
import { createTestHarness, rows, upsert, wa, T0, type TestHarness } from '../../helpers/replay.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/replay');
const PDF = readFileSync(join(FIXTURES, 'factura.pdf'));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What a sanitized name may never contain or look like. */
function expectSafe(name: string | null) {
  if (name === null) return;
  expect(name).not.toMatch(/[\\/\u0000-\u001f\u007f<>:"|?*\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
  expect(name).not.toMatch(/^[.\s]/);
  expect(name).not.toMatch(/\s$/);
  expect(Array.from(name).length).toBeLessThanOrEqual(200);
  expect(name.length).toBeGreaterThan(0);
}

describe('sanitizeFileName and extensionFor under hostile names', () => {
  it('handles traversal, NUL, bidi overrides, very long names and names of only dots', () => {
    expect(sanitizeFileName('../../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\Windows\\system.ini')).toBe('system.ini');
    expect(sanitizeFileName('factura\u0000.pdf')).toBe('factura_.pdf');
    expect(sanitizeFileName('factura\u202Efdp.exe')).toBe('facturafdp.exe');
    expect(sanitizeFileName('..')).toBeNull();
    expect(sanitizeFileName('. . .')).toBeNull();
    expect(sanitizeFileName('dir/')).toBeNull();
    expect(sanitizeFileName('😀'.repeat(300))).toBe('😀'.repeat(200));
    expect(sanitizeFileName(42 as never)).toBeNull();
  });

  it('never returns an unsafe name or extension for 5 000 random names', () => {
    const r = createRng(7);
    const parts = ['.', '..', '/', '\\', '\u0000', '\u202e', '\u2066', '\n', ' ', 'a', 'ñ', '😀', 'CON', ':', '*', '?', '"', '.pdf', 'x'.repeat(150), '\u0085'];
    for (let i = 0; i < 5000; i++) {
      const name = Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(r, parts)).join('');
      const safe = sanitizeFileName(name);
      expectSafe(safe);
      expect(extensionFor(pick(r, [null, 'application/x-unknown', 'image/png', 'text/plain; charset=utf-8']), safe, 'document')).toMatch(/^[a-z0-9]{1,8}$/);
    }
  });
});

describe('documents with hostile names (replay → disk)', () => {
  let h: TestHarness;
  afterEach(async () => h?.cleanup());

  it('stores every file under the client folder, named by its SHA-256, whatever name the sender gave', async () => {
    h = await createTestHarness('sqlite', { baseDir: FIXTURES, start: new Date(T0 * 1000) });
    const names = ['../../../../tmp/evil.pdf', '/etc/passwd', 'a\u0000b.pdf', '.', '...', 'x'.repeat(10_000) + '.pdf', '..\\..\\boot.ini', 'ok\u202Efdp.exe'];
    await h.feed(upsert(names.map((fileName, i) => wa({ phone: '34600000002', id: `HOSTILE-${i}`, mediaFile: 'factura.pdf', message: { documentMessage: { mimetype: 'application/octet-stream', fileName } } }))));
    const files = await rows<{ cliente_id: number; original_filename: string | null; file_path: string; download_status: string }>(h, 'select cliente_id, original_filename, file_path, download_status from client_file_storage order by message_id');
    expect(files).toHaveLength(names.length);
    for (const f of files) {
      expect(f.download_status).toBe('ok');
      expect(f.file_path).toMatch(new RegExp(`^clients/client_${f.cliente_id}/documents/${sha256(PDF)}\\.[a-z0-9]{1,8}$`));
      expectSafe(f.original_filename);
    }
    expect(files.map((f) => f.original_filename)).toEqual(['evil.pdf', 'passwd', 'ab.pdf', null, null, `${'x'.repeat(200)}`, 'boot.ini', 'okfdp.exe']);
    // Nothing was written anywhere else under STORAGE_DIR.
    const written = readdirSync(h.config.STORAGE_DIR, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(h.config.STORAGE_DIR, join(e.parentPath, e.name)))
      .filter((p) => !p.startsWith('whatsapp/') && !p.includes('.sqlite'));
    expect(written.length).toBeGreaterThan(0);
    for (const p of written) expect(p).toMatch(/^clients\/client_\d+\/documents\/[0-9a-f]{64}\.[a-z0-9]{1,8}$/);
  });
});
