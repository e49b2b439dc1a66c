import PDFDocument from 'pdfkit';
import { displayCell, type ReportDocument, type ReportTable } from './document.ts';
import { FONT_BOLD, FONT_REGULAR } from './fonts.ts';

/**
 * Assembles a PDF (pdfkit, A4 portrait) from a title, summary lines, tables and chart PNGs.
 * Reusable seam: any module builds a ReportDocument plus PNGs from `renderChart` and calls this.
 */

const MARGIN = 48;

function drawTable(pdf: PDFKit.PDFDocument, table: ReportTable): void {
  const width = pdf.page.width - MARGIN * 2;
  const colWidth = width / table.columns.length;
  const rowHeight = 18;
  const ensure = (h: number) => {
    if (pdf.y + h > pdf.page.height - MARGIN) pdf.addPage();
  };
  ensure(rowHeight * 3 + 20);
  pdf.font('bold').fontSize(12).fillColor('#111111').text(table.title, MARGIN, pdf.y, { width });
  pdf.moveDown(0.3);
  const headerCells = table.columns.map((c) => c.label);
  const row = (cells: string[], header: boolean) => {
    if (!header && pdf.y + rowHeight > pdf.page.height - MARGIN) {
      // A table that continues on the next page repeats its header there.
      pdf.addPage();
      row(headerCells, true);
    }
    ensure(rowHeight);
    const y = pdf.y;
    if (header) pdf.rect(MARGIN, y - 2, width, rowHeight).fill('#e5e7eb');
    pdf.fillColor('#111111').font(header ? 'bold' : 'regular').fontSize(9);
    cells.forEach((c, i) => {
      pdf.text(c, MARGIN + i * colWidth + 4, y + 2, { width: colWidth - 8, height: rowHeight - 4, ellipsis: true, lineBreak: false, align: i === 0 ? 'left' : 'right' });
    });
    pdf.moveTo(MARGIN, y + rowHeight - 2).lineTo(MARGIN + width, y + rowHeight - 2).strokeColor('#d1d5db').lineWidth(0.5).stroke();
    pdf.x = MARGIN;
    pdf.y = y + rowHeight;
  };
  row(headerCells, true);
  for (const r of table.rows) row(table.columns.map((c) => displayCell(r[c.key] ?? null, c.names)), false);
  pdf.moveDown(1);
}

export function buildPdf(doc: ReportDocument, charts: Buffer[], meta: { generatedAt: string }): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: doc.title, Creator: 'MarIADono' } });
  pdf.registerFont('regular', FONT_REGULAR);
  pdf.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const width = pdf.page.width - MARGIN * 2;
  pdf.font('bold').fontSize(20).fillColor('#111111').text(doc.title, { width });
  pdf.font('regular').fontSize(11).fillColor('#4b5563').text(doc.subtitle, { width });
  pdf.fontSize(9).text(meta.generatedAt, { width });
  pdf.moveDown(0.8);
  pdf.font('regular').fontSize(11).fillColor('#111111');
  for (const line of doc.summary) pdf.text(`• ${line}`, { width });
  pdf.moveDown(0.8);
  for (const png of charts) {
    const h = (width * 560) / 1000;
    if (pdf.y + h > pdf.page.height - MARGIN) pdf.addPage();
    pdf.image(png, MARGIN, pdf.y, { width });
    pdf.y += h + 12;
  }
  for (const table of doc.tables) drawTable(pdf, table);
  pdf.end();
  return done;
}
