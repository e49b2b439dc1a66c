import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupCliDirs, eventsFile, jsonLines, msg, photo, query, runCli as run } from '../helpers/cli.ts';

/**
 * `mariadono replay` / `mariadono chat` edge cases, as real processes: media files that are
 * missing, outside the events folder or not files; and that nothing is left running.
 */
afterAll(cleanupCliDirs);

describe('mariadono replay: media files and clean exits (CLI)', () => {
  it('stops with the line number at a mediaFile that points outside the JSONL folder', () => {
    const file = eventsFile([msg('OK-1', 'hola'), photo('ESC-1', '../../../etc/passwd'), msg('NEVER-1', 'menú')]);
    const r = run(['replay', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('mariadono replay: línea 2: messages.upsert: el mensaje 1: "mediaFile" debe estar dentro de la carpeta del fichero de eventos (llegó "../../../etc/passwd")');
    expect(jsonLines(r.stdout)).toHaveLength(2); // welcome + menu for line 1
    const absolute = run(['replay', eventsFile([photo('ABS-1', '/etc/passwd')])]);
    expect(absolute.status).toBe(1);
    expect(absolute.stderr).toContain('línea 1: messages.upsert: el mensaje 1: "mediaFile" debe estar dentro de la carpeta');
  });

  it('reports an unreadable mediaFile clearly, records the failed download and goes on (exit 0)', () => {
    const file = eventsFile([photo('MISS-1', 'no-such.png'), photo('LINK-1', 'escape.png'), photo('DIR-1', 'media'), msg('AFTER-1', 'menú', 1732420010)], (dir) => {
      mkdirSync(join(dir, 'media'));
      symlinkSync('/etc/hostname', join(dir, 'escape.png'));
    });
    const r = run(['replay', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('mariadono replay: línea 1: mensaje MISS-1: no existe el fichero "mediaFile" "no-such.png" (ENOENT); la descarga queda registrada como fallida');
    expect(r.stderr).toContain('línea 2: mensaje LINK-1: "mediaFile" "escape.png" apunta fuera de la carpeta del fichero de eventos');
    expect(r.stderr).toContain('línea 3: mensaje DIR-1: "mediaFile" "media" no es un fichero');
    const sends = jsonLines(r.stdout);
    expect(sends.length).toBeGreaterThan(3);
    for (const s of sends) expect(s).toMatchObject({ type: 'send', to: '34600000001@s.whatsapp.net' });
    expect(query<{ message_id: string; download_status: string }>(r.dir, 'select message_id, download_status from client_file_storage order by message_id').map((f) => [f.message_id, f.download_status])).toEqual([
      ['DIR-1', 'failed'], ['LINK-1', 'failed'], ['MISS-1', 'failed'],
    ]);
  });

  it('leaves nothing running: the process ends by itself after a replay, a failed replay and a piped chat', () => {
    const ok = run(['replay', eventsFile([msg('N-1', 'hola'), photo('N-2', 'missing.png')])], undefined, { natural: true });
    expect(ok.signal, 'still running after the replay').toBeNull();
    expect(ok.status, ok.stderr).toBe(0);
    const bad = run(['replay', eventsFile([msg('N-3', 'hola'), '{nope'])], undefined, { natural: true });
    expect(bad.signal).toBeNull();
    expect(bad.status).toBe(1);
    const chat = run(['chat', '--as', '+34600000001'], 'hola\n2\n', { natural: true });
    expect(chat.signal, 'still running after the chat').toBeNull();
    expect(chat.status, chat.stderr).toBe(0);
    expect(chat.stdout).toContain('bot> ');
  });

});
