import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, upsert, wa, type TestHarness } from '../../helpers/replay.ts';
import { withEm } from '../../../src/db/orm.ts';
import { grantRole } from '../../../src/modules/identity/identity.service.ts';

/**
 * `/segmento importar` through the real transport: the command is the caption of a CSV document;
 * the session hands the attachment to the router, the command reads the stored copy.
 */
describe('/segmento importar with an attached CSV (replay transport)', () => {
  const ADMIN = '34600000002';
  let h: TestHarness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seg-import-'));
    h = await createTestHarness('sqlite', { baseDir: dir });
    await withEm(h.orm, (em) => grantRole(em, ADMIN, 'admin'));
    for (const p of ['34614000001', '34614000002']) await h.say(p, 'hola');
  });
  afterAll(async () => {
    await h.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const sendCsv = (caption: string, file: string, content: string | Buffer) => {
    writeFileSync(join(dir, file), content);
    const ts = Math.floor(h.clock.now().getTime() / 1000);
    return h.feed(upsert([wa({ phone: ADMIN, ts, mediaFile: file, message: { documentWithCaptionMessage: { message: { documentMessage: { fileName: file, mimetype: 'text/csv', caption } } } } })]));
  };

  it('adds the listed clients as manual members and reports each bad line', async () => {
    expect(texts(await h.say(ADMIN, '/segmento crear Feria tipo=manual'))[0]).toContain('«Feria» (manual) creado');
    const out = texts(await sendCsv('/segmento importar Feria', 'clientes.csv', 'telefono,nombre\n+34614000001,Ana\nhola,Beto\n+34614000002,Carla\n+34699999990,Nadie\n'));
    expect(out[0]).toContain('«Feria»: 2 añadidos desde el CSV, ahora 2 activos. Líneas con problemas: 2.');
    expect(out[0]).toContain('línea 3: "hola" no es un teléfono válido');
    expect(out[0]).toContain('línea 5: No hay ningún cliente con el teléfono 34699999990');
    const members = await rows<{ n: number }>(h, "select count(*) as n from segment_members m join customer_segments s on s.segment_id = m.segment_id where s.segment_name = 'Feria' and m.is_active = 1 and m.reason_joined = 'manual'");
    expect(Number(members[0]!.n)).toBe(2);
    const overrides = await rows<{ source: string }>(h, 'select source from segment_overrides');
    expect(overrides.map((o) => o.source)).toEqual(['csv', 'csv']);
  });

  it('refuses a binary file, and a command without a document', async () => {
    expect(texts(await sendCsv('/segmento importar Feria', 'foto.csv', Buffer.from([0x89, 0x50, 0x00, 0x01])))[0]).toContain('no es un CSV de texto');
    expect(texts(await h.say(ADMIN, '/segmento importar Feria'))[0]).toContain('Adjunta un archivo CSV');
  });

  it('/segmento exportar arrives as a CSV document', async () => {
    const [doc] = await h.say(ADMIN, '/segmento exportar Feria');
    expect(doc!.content).toMatchObject({ mimetype: 'text/csv', fileName: 'segmento-Feria.csv' });
  });
});
