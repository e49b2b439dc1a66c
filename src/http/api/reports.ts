import type { FastifyInstance } from 'fastify';
import { REPORT_TYPES } from '../../modules/campaigns/customer-report.entity.ts';
import { REPORT_FORMATS, type ReportRequest } from '../../modules/reports/reports.service.ts';
import { errorRef, noQuery, protectedErrors } from '../schemas.ts';
import { auditApi, bearer, emOf, protect, type ApiOptions } from './guards.ts';

/** POST /api/reports: generates a report through the same service as `/reporte`; list and download live in files.ts. */

const generatedSchema = {
  type: 'object',
  properties: {
    report_id: { type: 'string' },
    report_type: { type: 'string' },
    title: { type: 'string' },
    summary: { type: 'array', items: { type: 'string' } },
    format: { type: 'string' },
    download_url: { type: 'string' },
  },
} as const;

type Body = Omit<ReportRequest, 'generatedBy' | 'schedule'>;

export async function reportRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services } = opts;
  app.post('/reports', {
    ...protect(guards, 'reports.create'),
    schema: {
      tags: ['reports'], summary: 'Generar un informe (json, csv, html o pdf con gráficos)', security: bearer, querystring: noQuery,
      body: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: [...REPORT_TYPES] },
          format: { type: 'string', enum: [...REPORT_FORMATS] },
          month: { type: 'string', maxLength: 10 },
          phone: { type: 'string', maxLength: 32 },
          campaign: { type: 'string', maxLength: 255 },
          from: { type: 'string', maxLength: 10 },
          to: { type: 'string', maxLength: 10 },
          metrics: { type: 'array', items: { type: 'string', maxLength: 30 }, maxItems: 10 },
        },
        required: ['type'],
        additionalProperties: false,
      },
      response: { 201: generatedSchema, ...protectedErrors, 404: errorRef },
    },
  }, async (req, reply) => {
    const body = req.body as Body;
    const em = emOf(orm);
    const caller = guards.caller(req);
    const r = await services.reports.generate(em, { ...body, generatedBy: caller.userId });
    await auditApi(services, em, caller, 'reports.create', r.reportId, { type: body.type, format: r.format });
    reply.status(201);
    return { report_id: r.reportId, report_type: body.type, title: r.title, summary: r.summary, format: r.format, download_url: `/api/reports/${r.reportId}/download` };
  });
}
