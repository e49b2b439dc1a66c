/** Test-side readers: an RFC 4180 CSV parser for the sectioned report CSV, and PNG dimensions. */
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
