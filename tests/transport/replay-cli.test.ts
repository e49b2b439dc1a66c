import { cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { cleanupCliDirs, line, msg, ROOT, runCli as run, tempDir } from '../helpers/cli.ts';

afterAll(cleanupCliDirs);

describe('mariadono replay (CLI)', () => {
  it('replays the committed example: JSON send lines on stdout only, logs on stderr, exit 0', () => {
    const work = tempDir('mariadono-example-');
    cpSync(join(ROOT, 'examples'), work, { recursive: true });
    const r = run(['replay', join(work, 'demo.jsonl')]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out.length).toBeGreaterThan(5);
    for (const l of out) expect(JSON.parse(l)).toMatchObject({ type: 'send', to: expect.stringMatching(/@(s\.whatsapp\.net|lid)$/), content: expect.any(Object) });
    expect(r.stdout).not.toMatch(/"level"|migrations applied/);
    expect(r.stderr).toMatch(/"level":30/);
    // Nothing written next to the user's working directory: everything lives in STORAGE_DIR.
    const db = new DatabaseSync(join(r.dir, 'storage', 'mariadono.sqlite'), { readOnly: true });
    try {
      expect(db.prepare("select download_status from client_file_storage").all()).toEqual([{ download_status: 'ok' }]);
      expect(db.prepare("select count(*) as n from conversations_log where message_direction = 'outbound'").get()).toEqual({ n: out.length + 1 });
    } finally {
      db.close();
    }
  });

  it('stops at a malformed line with its number after processing the lines before it (exit 1)', () => {
    const dir = tempDir('mariadono-bad-');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, [msg('OK-1', 'hola'), '', '{"type":"messages.upsert", nope}', msg('NEVER-1', 'menú', 1732420010)].join('\n'));
    const r = run(['replay', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('línea 3: no es JSON válido');
    const sends = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(sends.length).toBe(2); // welcome + menu for line 1, nothing for line 4
    expect(r.stdout).not.toContain('línea');
  });

  it('rejects an unknown event type with the list of valid ones', () => {
    const dir = tempDir('mariadono-bad-');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${line('message.upsert', {})}\n`);
    const r = run(['replay', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/línea 1: tipo de evento desconocido "message.upsert"; tipos válidos: messages.upsert/);
  });

  it('explains usage errors (exit 2) and a missing file (exit 1)', () => {
    expect(run(['replay']).status).toBe(2);
    const missing = run(['replay', 'nope.jsonl']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no existe el fichero');
    const folder = run(['replay', tmpdir()]);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toContain('no es un fichero (se esperaba un fichero .jsonl de eventos)');
    const badDb = run(['replay', 'x.jsonl', '--db', 'mysql://x']);
    expect(badDb.status).toBe(2);
    expect(badDb.stderr).toContain('se esperaba sqlite:<ruta> o postgres://');
  });
});

describe('mariadono chat (CLI)', () => {
  it('reads lines from piped stdin as messages from --as and prints the replies', () => {
    const r = run(['chat', '--as', '+34 600 000 001', '--name', 'Ana'], 'hola\n2\nBAJA\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('bot> ¡Hola, Ana!');
    expect(r.stdout).toContain('Todavía no hay pedidos');
    expect(r.stdout).toContain('ya no recibirás mensajes promocionales');
    const db = new DatabaseSync(join(r.dir, 'storage', 'mariadono.sqlite'), { readOnly: true });
    try {
      expect(db.prepare('select "phoneNumber" as phone, nombre, marketing_opt_in from usuarios').all()).toEqual([{ phone: '34600000001', nombre: 'Ana', marketing_opt_in: 0 }]);
    } finally {
      db.close();
    }
  });

  it('plays the Cloud API with --platform meta: signed webhooks in, Graph API mock out, buttons tapped by number', () => {
    const r = run(['chat', '--as', '+34 600 000 001', '--name', 'Ana', '--platform', 'meta'], 'hola\n2\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('bot> ¡Hola, Ana!');
    expect(r.stdout).toContain('1️⃣ [Hablar con un agente]');
    expect(r.stdout).toContain('Todavía no hay pedidos');
    const db = new DatabaseSync(join(r.dir, 'storage', 'mariadono.sqlite'), { readOnly: true });
    try {
      // "2" went in as the tap of the menu's second button.
      expect(db.prepare("select platform_origin, message_type, body from conversations_log where message_direction = 'inbound' order by id").all()).toEqual([
        { platform_origin: 'meta_cloud', message_type: 'text', body: 'hola' },
        { platform_origin: 'meta_cloud', message_type: 'interactive', body: 'Mis pedidos' },
      ]);
      expect(db.prepare("select count(*) as n from conversations_log where message_direction = 'outbound' and platform_origin = 'meta_cloud' and delivery_status = 'sent'").get()).toEqual({ n: 3 });
    } finally {
      db.close();
    }
  });

  it('needs --as with a phone number', () => {
    const r = run(['chat', '--as', 'abc']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no es un número con prefijo de país');
  });
});
