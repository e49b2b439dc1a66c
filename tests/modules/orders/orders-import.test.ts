import { Readable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestOrm } from '../../helpers/db.ts';
import { cleanupCliDirs, runCli, tempDir } from '../../helpers/cli.ts';
import { importOrdersCsv } from '../../../src/modules/orders/orders-import.ts';

const CSV = [
  'telefono,total,estado,ref,fecha,moneda',
  '+34600000101,49.90,entregado,TPV-1,2026-11-01,EUR',
  '+34600000102,"1,5",pendiente,,2026-11-02,',
  'no-es-telefono,10,entregado,TPV-2,2026-11-03,EUR',
  '+34600000103,abc,entregado,TPV-3,2026-11-03,EUR',
  '+34600000104,10,perdido,TPV-4,2026-11-03,EUR',
  '+34600000105,10,entregado,TPV-5,2026-02-30,EUR',
  '+34600000106,10,entregado,TPV-6,2030-01-01,EUR',
  '+34600000107,10,entregado,TPV-7,2026-11-03,EURO',
  '+34600000108,20.00,,TPV-8,,',
  '+34600000109,10,entregado,TPV-1,2026-11-01,EUR',
  '',
].join('\n');

const NOW = new Date('2026-11-30T12:00:00Z');

describe('orders CSV import', () => {
  afterAll(cleanupCliDirs);

  it('keeps the valid lines, reports every bad one with its number and reason, and re-imports idempotently', async () => {
    const db = await createTestOrm('sqlite');
    try {
      const progress: Array<{ lines: number; bytes: number }> = [];
      const first = await importOrdersCsv(db.orm, Readable.from([CSV]), { now: NOW, onProgress: (p) => progress.push(p) });
      expect(first).toMatchObject({ lines: 10, created: 3, unchanged: 0 });
      // The progress bar's feed: one tick per data line, bytes growing to the end of the last line.
      expect(progress.map((p) => p.lines)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(progress.every((p, i) => i === 0 || p.bytes > progress[i - 1]!.bytes)).toBe(true);
      expect(progress.at(-1)!.bytes).toBeGreaterThanOrEqual(Buffer.byteLength(CSV.trimEnd()));
      expect(first.errors.map((e) => e.line)).toEqual([4, 5, 6, 7, 8, 9, 11]);
      const reasons = Object.fromEntries(first.errors.map((e) => [e.line, e.reason]));
      expect(reasons[4]).toContain('no es un teléfono válido');
      expect(reasons[5]).toContain('El total "abc" no es válido');
      expect(reasons[6]).toContain('estado «perdido» desconocido');
      expect(reasons[7]).toContain('fecha «2026-02-30» no válida');
      expect(reasons[8]).toContain('es futura');
      expect(reasons[9]).toContain('moneda «EURO»');
      expect(reasons[11]).toContain('TPV-1 ya está registrada para otro cliente');
      const rows = await db.orm.em.fork().getConnection().execute<Array<{ total: string; estado: string; external_ref: string; created_at: number }>>('select total, estado, external_ref, created_at from pedidos order by id');
      expect(rows.map((r) => [String(r.total), r.estado])).toEqual([['49.9', 'entregado'], ['1.5', 'pendiente'], ['20', 'pendiente']].map(([t, e]) => [expect.stringContaining(t!), e]));
      expect(rows[0]!.external_ref).toBe('TPV-1');
      expect(rows[1]!.external_ref).toMatch(/^csv:[0-9a-f]{40}$/);
      expect(new Date(Number(rows[0]!.created_at)).toISOString()).toBe('2026-11-01T00:00:00.000Z');

      const again = await importOrdersCsv(db.orm, Readable.from([CSV]), { now: NOW });
      expect(again).toMatchObject({ lines: 10, created: 0, unchanged: 3 });
      const count = await db.orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*) as n from pedidos');
      expect(Number(count[0]!.n)).toBe(3);
    } finally {
      await db.cleanup();
    }
  });

  it('refuses an empty file or one without the telefono/total header, and reports a broken quote with its line', async () => {
    const db = await createTestOrm('sqlite');
    try {
      await expect(importOrdersCsv(db.orm, Readable.from(['nombre,apellido\nAna,Pérez\n']), { now: NOW })).rejects.toThrow(/cabecera/);
      await expect(importOrdersCsv(db.orm, Readable.from(['\n\n']), { now: NOW })).rejects.toThrow(/El archivo está vacío/);
      const res = await importOrdersCsv(db.orm, Readable.from(['telefono,total\n+34600000201,10\n+34600000202,"20\n']), { now: NOW });
      expect(res.created).toBe(1);
      expect(res.errors).toHaveLength(1);
      expect(res.errors[0]!.reason).toContain('CSV mal formado');
    } finally {
      await db.cleanup();
    }
  });

  it('mariadono import pedidos prints the summary and each bad line, exit 1 when some failed', () => {
    const dir = tempDir('mariadono-import-');
    const file = join(dir, 'pedidos.csv');
    writeFileSync(file, CSV.replace('2030-01-01', '2099-01-01'));
    const res = runCli(['import', 'pedidos', file]);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('10 líneas: 3 pedidos nuevos, 0 ya registrados, 7 con errores.');
    expect(res.stdout).toContain('línea 5: El total "abc" no es válido');
    const sqlite = new DatabaseSync(join(res.dir, 'storage', 'mariadono.sqlite'));
    expect((sqlite.prepare('select count(*) as n from pedidos').get() as { n: number }).n).toBe(3);
    sqlite.close();
    expect(runCli(['import', 'clientes', file]).status).toBe(2);
  });
});
