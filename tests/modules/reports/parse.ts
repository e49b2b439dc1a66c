import { inflateSync } from 'node:zlib';

/** Test-side readers: an RFC 4180 CSV parser for the sectioned report CSV, PNG dimensions, and a structural PDF check. */
export function parseCsv(text: string): Map<string, Array<Record<string, string>>> {
  const src = text.replace(/^\ufeff/, '');
  const records: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && src[i + 1] === '\n') { row.push(field); records.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  if (field || row.length) { row.push(field); records.push(row); }
  const out = new Map<string, Array<Record<string, string>>>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.length === 1 && r[0]!.startsWith('#')) {
      const header = records[++i]!;
      const rows: Array<Record<string, string>> = [];
      while (i + 1 < records.length && !(records[i + 1]!.length === 1 && records[i + 1]![0] === '')) {
        const vals = records[++i]!;
        rows.push(Object.fromEntries(header.map((h, k) => [h, vals[k] ?? ''])));
      }
      out.set(r[0]!.slice(1), rows);
    }
  }
  return out;
}

export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString() !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * A structural PDF reader, no poppler needed: the cross-reference table must point at every
 * object (`N G obj`), every stream must end where its /Length says and inflate when FlateDecode,
 * and the page tree's /Count must match its pages. Throws on any mismatch; returns the counts.
 */
export function readPdf(pdf: Buffer): { pages: number; images: number; objects: number } {
  const text = pdf.toString('latin1');
  if (!text.startsWith('%PDF-1.')) throw new Error('no %PDF header');
  const tail = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!tail) throw new Error('no startxref / %%EOF at the end');
  let at = Number(tail[1]);
  if (!text.startsWith('xref', at)) throw new Error(`startxref ${at} does not point at the xref table`);
  at += 4;
  const offsets = new Map<number, number>();
  for (let sub = /^\s*(\d+) (\d+)[ \t]*\r?\n/.exec(text.slice(at)); sub; sub = /^\s*(\d+) (\d+)[ \t]*\r?\n/.exec(text.slice(at))) {
    at += sub[0].length;
    const [first, count] = [Number(sub[1]), Number(sub[2])];
    for (let k = 0; k < count; k++, at += 20) {
      const e = /^(\d{10}) (\d{5}) ([nf])/.exec(text.slice(at, at + 20));
      if (!e) throw new Error(`bad xref entry ${first + k}`);
      if (e[3] === 'n') offsets.set(first + k, Number(e[1]));
    }
  }
  const trailer = /^\s*trailer\s*<<([\s\S]*?)>>/.exec(text.slice(at));
  const root = trailer && /\/Root (\d+) 0 R/.exec(trailer[1]!);
  if (!root || !offsets.has(Number(root[1]))) throw new Error('trailer without a /Root in the xref');
  let pages = 0;
  let images = 0;
  let masks = 0;
  let pageCount = -1;
  for (const [n, off] of offsets) {
    const head = `${n} 0 obj`;
    if (!text.startsWith(head, off)) throw new Error(`xref offset of object ${n} does not point at it`);
    const end = text.indexOf('endobj', off);
    const body = text.slice(off + head.length, end);
    const s = body.indexOf('stream');
    const dict = s >= 0 ? body.slice(0, s) : body;
    if (/\/Type\s*\/Page\b(?!s)/.test(dict)) pages++;
    if (/\/Type\s*\/Pages\b/.test(dict)) pageCount = Number(/\/Count (\d+)/.exec(dict)?.[1] ?? -1);
    if (/\/Subtype\s*\/Image\b/.test(dict)) images++;
    if (/\/SMask \d+ 0 R/.test(dict)) masks++;
    if (s >= 0) {
      const len = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? NaN);
      const start = off + head.length + s + 'stream'.length + (text[off + head.length + s + 6] === '\r' ? 2 : 1);
      if (!Number.isFinite(len) || !/^\s*endstream/.test(text.slice(start + len, start + len + 12))) throw new Error(`stream of object ${n} does not end at its /Length`);
      if (/\/FlateDecode/.test(dict)) inflateSync(pdf.subarray(start, start + len));
    }
  }
  if (pages === 0 || pageCount !== pages) throw new Error(`page tree /Count ${pageCount} but ${pages} pages`);
  // A PNG with transparency is two image objects (the picture and its /SMask): count pictures.
  return { pages, images: images - masks, objects: offsets.size };
}
