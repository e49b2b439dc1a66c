import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, type TestHarness } from '../../helpers/replay.ts';
import { withEm } from '../../../src/db/orm.ts';
import { grantRole } from '../../../src/modules/identity/identity.service.ts';
import type { SentRecord } from '../../../src/transport/replay/fake-socket.ts';
import { at, TZ } from './fixture.ts';

const ADMIN = '34600000010';
const VIEWER = '34600000011';
const ANALYST = '34600000012';
let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness('sqlite', { env: { TZ, CHANNEL_COSTS: 'whatsapp=0.01' }, start: at('2026-11-05 12:00') });
  await withEm(h.orm, async (em) => {
    await grantRole(em, ADMIN, 'admin');
    await grantRole(em, VIEWER, 'viewer');
    await grantRole(em, ANALYST, 'analyst');
  });
});
afterAll(() => h?.cleanup());

/** The immediate replies plus everything a long-running command sent afterwards. */
async function run(phone: string, text: string): Promise<SentRecord[]> {
  const before = h.sent.length;
  await h.say(phone, text);
  await h.idle();
  await h.services.commands!.idle();
  await h.idle();
  return h.sent.slice(before).filter((s) => s.to.startsWith(phone));
}
const last = async (phone: string, text: string) => texts(await run(phone, text)).at(-1)!;

describe('/reporte', () => {
  it('answers "Procesando…", then the chart as an image with a two-line summary and the PDF as a document', async () => {
    const out = await run(ADMIN, '/reporte canales 2026-11-01 2026-11-05');
    expect(texts(out)[0]).toMatch(/^Procesando \/reporte canales/);
    const image = out.find((s) => s.content.image);
    const doc = out.find((s) => s.content.document);
    expect(String(image!.content.caption)).toMatch(/^Análisis de canales\n.+\n.+$/);
    expect(doc!.content.mimetype).toBe('application/pdf');
    expect(String(doc!.content.fileName)).toMatch(/^analisis-de-canales-2026-11-05-[0-9a-f]{8}\.pdf$/);
    const [row] = await rows<{ file_path: string; report_type: string; format: string; generated_by_user_id: number }>(h, `select * from customer_reports order by created_at desc limit 1`);
    expect(row).toMatchObject({ report_type: 'channel_analysis', format: 'pdf' });
    expect(row!.generated_by_user_id).toBeGreaterThan(0);
    expect(existsSync(join(h.config.STORAGE_DIR, row!.file_path))).toBe(true);
  });

  it('with formato= sends the summary and that file', async () => {
    const out = await run(ANALYST, '/reporte crecimiento 2026-09 2026-11 formato=csv');
    expect(out.some((s) => s.content.image)).toBe(false);
    expect(texts(out).some((t) => t.startsWith('Crecimiento de clientes\n'))).toBe(true);
    expect(out.find((s) => s.content.document)!.content.mimetype).toBe('text/csv');
    const json = await run(ADMIN, '/reporte mensual 2026-11 formato=json');
    expect(json.find((s) => s.content.document)!.content.mimetype).toBe('application/json');
    const html = await run(ADMIN, '/reporte personalizado desde=2026-11-01 hasta=2026-11-04 metricas=entrantes,coste formato=html');
    expect(html.find((s) => s.content.document)!.content.mimetype).toBe('text/html');
  });

  it('refuses bad input politely, in Spanish', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/reporte canales 2026-02-30', /no es una fecha válida para desde/],
      ['/reporte canales 2026-11-05 2026-11-01', /posterior/],
      ['/reporte canales 2026-11-01 2026-11-02 2026-11-03', /Sobran argumentos/],
      ['/reporte canales formato=xls', /Formato "xls" no disponible/],
      ['/reporte mensual 2026-13', /no es un mes válido/],
      ['/reporte mensual 2026-11 +34 611', /no es un teléfono válido/],
      ['/reporte mensual 2026-11 +34611111111', /No hay ningún cliente con el teléfono \+34611111111/],
      ['/reporte campana', /Indica la campaña/],
      ['/reporte campana Navidad', /No existe ninguna campaña llamada "Navidad"/],
      ['/reporte crecimiento 2026-11 2026-01', /posterior/],
      ['/reporte personalizado desde=2026-11-01', /Indica el periodo/],
      ['/reporte personalizado desde=2026-11-01 hasta=2026-11-02', /Indica las métricas/],
      ['/reporte personalizado desde=2026-11-01 hasta=2026-11-02 metricas=ventas', /Métricas desconocidas: ventas/],
      ['/reporte personalizado desde=2026-11-01 hasta=2026-11-02 metricas=coste color=rojo', /Opción desconocida: color/],
      ['/reporte programar', /Falta el argumento «tipo»/],
      ['/reporte programar semanal canales', /Tipo de informe "semanal" desconocido/],
      ['/reporte programar canales anual', /Frecuencia "anual" desconocida/],
      ['/reporte programar campana diaria', /no se puede programar/],
      ['/reporte programar canales semanal formato=xls', /Formato "xls" no disponible/],
      ['/reporte cancelar', /Falta el argumento «id»/],
      ['/reporte cancelar abc', /«id» no es válido: usa el número \(id\) que muestra \/reporte programados/],
      ['/reporte cancelar 99', /No tienes ningún informe programado con el id 99/],
      ['/reporte programados todos', /Sobran argumentos: «todos»/],
      ['/reporte lista 10', /Sobran argumentos: «10»/],
      ['/reporte mensual formato=pdf formato=csv', /La opción «formato» aparece dos veces/],
      ['/reporte', /^\*\/reporte\* — Informes con gráficos[\s\S]*\/reporte programar <mensual\|canales\|crecimiento\|personalizado>/],
      ['/reporte ventas', /^No conozco «ventas» como opción de \/reporte\./],
    ];
    for (const [cmd, msg] of cases) {
      const got = await last(ADMIN, cmd);
      if (process.env.SHOW_REPLIES) console.log(cmd, '=>', JSON.stringify(got).slice(0, 300));
      expect(got, cmd).toMatch(msg);
    }
  });

  it('checks permissions: viewers may list, not generate', async () => {
    expect(await last(VIEWER, '/reporte canales')).toMatch(/no tienes permiso/i);
    expect(await last(VIEWER, '/reporte programar canales semanal')).toMatch(/no tienes permiso/i);
    expect(await last(VIEWER, '/reporte lista')).toMatch(/^Últimos informes \(\d+\):\n/);
    expect(await last(VIEWER, '/reporte programados')).toMatch(/No tienes informes programados/);
  });

  it('subscribes, lists and cancels scheduled reports', async () => {
    expect(await last(ADMIN, '/reporte programar canales semanal')).toMatch(/^Informe programado \(id (\d+)\): análisis de canales, semanal/);
    expect(await last(ADMIN, '/reporte programar canales semanal')).toMatch(/Ya tienes ese informe programado/);
    const listing = await last(ADMIN, '/reporte programados');
    expect(listing).toMatch(/^Tus informes programados \(1\):\n#\d+ · análisis de canales · semanal · PDF · último envío: todavía ninguno$/);
    const id = /#(\d+)/.exec(listing)![1];
    expect(await last(ANALYST, `/reporte cancelar ${id}`)).toMatch(/No tienes ningún informe programado/);
    expect(await last(ADMIN, `/reporte cancelar ${id}`)).toBe(`Informe programado ${id} cancelado.`);
    expect(await last(ADMIN, '/reporte programados')).toMatch(/No tienes informes programados/);
  });
});
