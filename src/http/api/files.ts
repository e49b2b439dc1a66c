import { listReports } from '../../modules/reports/report-list.ts';
import type { FastifyInstance } from 'fastify';
import { createFileAccessService } from '../../modules/files/file-access.service.ts';
import { REPORT_TYPES, type ICustomerReport } from '../../modules/campaigns/customer-report.entity.ts';
import { errorRef, noQuery, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors, uuidParam } from '../schemas.ts';
import { binaryResponse, sendFile } from './download.ts';
import { bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/** Downloads with access audit: /api/files/:fileId and the reports list + /api/reports/:id/download. */

const reportSchema = {
  type: 'object',
  properties: {
    report_id: { type: 'string' },
    cliente_id: { type: ['integer', 'null'] },
    report_type: { type: 'string' },
    report_title: nullableString,
    date_from: nullableString,
    date_to: nullableString,
    format: { type: 'string' },
    has_file: { type: 'boolean' },
    is_scheduled: { type: 'boolean' },
    created_at: nullableDateTime,
    download_url: nullableString,
  },
} as const;

const day = (d: Date | string | null | undefined) => (d ? (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10)) : null);

const reportJson = (r: ICustomerReport) => ({
  report_id: r.reportId,
  cliente_id: r.cliente ? (r.cliente as { id: number }).id : null,
  report_type: r.reportType,
  report_title: r.reportTitle ?? null,
  date_from: day(r.dateFrom as Date | string | null),
  date_to: day(r.dateTo as Date | string | null),
  format: r.format,
  has_file: Boolean(r.filePath),
  is_scheduled: r.isScheduled,
  created_at: iso(r.createdAt),
  download_url: r.filePath ? `/api/reports/${r.reportId}/download` : null,
});

export async function fileRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services, config } = opts;
  const access = createFileAccessService({ storageDir: config.STORAGE_DIR, clock: services.deps.clock, audit: services.audit });
  const downloadErrors = { ...protectedErrors, 404: errorRef };

  app.get('/files/:fileId', {
    ...protect(guards, 'files.download'),
    schema: { tags: ['clients'], summary: 'Descargar un archivo de cliente (auditado)', security: bearer, params: uuidParam('fileId'), querystring: noQuery, response: { 200: binaryResponse, ...downloadErrors } },
  }, async (req, reply) => {
    const file = await services.files.openFile(emOf(orm), guards.caller(req), (req.params as { fileId: string }).fileId, 'http');
    return sendFile(reply, file);
  });

  app.get('/reports', {
    ...protect(guards, 'reports.view'),
    schema: {
      tags: ['reports'], summary: 'Lista de informes de clientes', security: bearer,
      querystring: {
        type: 'object',
        properties: { ...paginationQuery, phone: { type: 'string', maxLength: 32 }, type: { type: 'string', enum: [...REPORT_TYPES] } },
        additionalProperties: false,
      },
      response: { 200: pageOf(reportSchema), ...protectedErrors },
    },
  }, async (req) => {
    const q = req.query as { limit: number; offset: number; phone?: string; type?: string };
    const { rows, total } = await listReports(emOf(orm), q);
    return { items: rows.map(reportJson), total, limit: q.limit, offset: q.offset };
  });

  app.get('/reports/:id/download', {
    ...protect(guards, 'reports.view'),
    schema: { tags: ['reports'], summary: 'Descargar el archivo de un informe (auditado)', security: bearer, params: uuidParam('id'), querystring: noQuery, response: { 200: binaryResponse, ...downloadErrors } },
  }, async (req, reply) => {
    const file = await access.openReport(emOf(orm), guards.caller(req), (req.params as { id: string }).id);
    return sendFile(reply, file);
  });
}
