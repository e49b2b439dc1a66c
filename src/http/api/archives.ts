import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ARCHIVE_FORMATS } from '../../modules/files/archive.ts';
import type { Actor } from '../../modules/files/files.service.ts';
import type { IClientConversationArchive } from '../../modules/files/client-conversation-archive.entity.ts';
import { errorRef, noQuery, nullableDateTime, nullableString, protectedErrors, uuidParam } from '../schemas.ts';
import { binaryResponse, sendFile } from './download.ts';
import { findClient, phoneParam } from './clients.ts';
import { auditApi, bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';
import { checkStepUp } from '../../modules/admin/totp.ts';
import { ForbiddenError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';

/**
 * Conversation archives, backups, file-access audit and the client's data export and erasure over
 * HTTP: the same files and privacy services the `/archivo` and `/cliente` chat commands call.
 * Erasure asks for the phone again and the caller's TOTP code (the chat's step-up confirmation).
 */

const archiveSchema = {
  type: 'object',
  properties: {
    archive_id: { type: 'string' },
    cliente_id: { type: 'integer' },
    format: { type: 'string' },
    start_date: nullableString,
    end_date: nullableString,
    message_count: { type: ['integer', 'null'] },
    storage_status: { type: 'string' },
    created_at: nullableDateTime,
    download_url: { type: 'string' },
  },
} as const;

const day = (d: unknown) => (d ? (typeof d === 'string' ? d.slice(0, 10) : (d as Date).toISOString().slice(0, 10)) : null);

const archiveJson = (a: IClientConversationArchive, extra: Record<string, unknown> = {}) => ({
  archive_id: a.archiveId,
  cliente_id: (a.cliente as { id: number }).id,
  format: a.format,
  start_date: day(a.startDate),
  end_date: day(a.endDate),
  message_count: a.messageCount ?? null,
  storage_status: a.storageStatus,
  created_at: iso(a.createdAt),
  download_url: `/api/archives/${a.archiveId}/download`,
  ...extra,
});

export async function archiveRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services } = opts;
  const actorOf = (req: FastifyRequest): Actor => {
    const c = guards.caller(req);
    return { userId: c.userId, phone: c.phone, channel: 'http' };
  };
  const errors = { ...protectedErrors, 404: errorRef };
  /** These POSTs take no fields: a bare POST means `{}`, anything else is refused. */
  const noBody = {
    preValidation: async (req: FastifyRequest) => {
      req.body ??= {};
    },
  };
  const emptyBody = { type: 'object', additionalProperties: false } as const;

  app.post('/clients/:phone/archives', {
    ...protect(guards, 'files.download'),
    schema: {
      tags: ['clients'], summary: 'Archivar la conversación de un periodo (json, txt o html; move la saca del registro)', security: bearer, params: phoneParam, querystring: noQuery,
      body: {
        type: 'object',
        properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, format: { type: 'string', enum: [...ARCHIVE_FORMATS] }, move: { type: 'boolean' } },
        required: ['from', 'to'],
        additionalProperties: false,
      },
      response: { 201: archiveSchema, ...errors },
    },
  }, async (req, reply) => {
    const em = emOf(orm);
    const u = await findClient(em, (req.params as { phone: string }).phone);
    const b = req.body as { from: string; to: string; format?: (typeof ARCHIVE_FORMATS)[number]; move?: boolean };
    const { archive } = await services.files.archiveConversation(em, actorOf(req), u.id, { from: new Date(b.from), to: new Date(b.to), format: b.format, move: b.move });
    return reply.code(201).send(archiveJson(archive));
  });

  app.post('/archives/:archiveId/restore', {
    ...noBody,
    ...protect(guards, 'files.download'),
    schema: { tags: ['clients'], summary: 'Restaurar exactamente los mensajes de un archivo (idempotente)', security: bearer, params: uuidParam('archiveId'), querystring: noQuery, body: emptyBody, response: { 200: { ...archiveSchema, properties: { ...archiveSchema.properties, restored: { type: 'integer' } } }, ...errors } },
  }, async (req) => {
    const { archive, restored } = await services.files.restoreArchive(emOf(orm), actorOf(req), (req.params as { archiveId: string }).archiveId);
    return archiveJson(archive, { restored });
  });

  app.get('/archives/:archiveId/download', {
    ...protect(guards, 'files.download'),
    schema: { tags: ['clients'], summary: 'Descargar un archivo de conversación (.gz, auditado)', security: bearer, params: uuidParam('archiveId'), querystring: noQuery, response: { 200: binaryResponse, ...errors } },
  }, async (req, reply) => sendFile(reply, await services.files.openArchive(emOf(orm), guards.caller(req), (req.params as { archiveId: string }).archiveId, 'http')));

  app.post('/clients/:phone/backups', {
    ...noBody,
    ...protect(guards, 'files.download'),
    schema: {
      tags: ['clients'], summary: 'Crear un respaldo del cliente (zip con manifiesto SHA-256)', security: bearer, params: phoneParam, querystring: noQuery, body: emptyBody,
      response: { 201: { type: 'object', properties: { key: { type: 'string' }, size: { type: 'integer' }, entries: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } } } } } }, ...errors },
    },
  }, async (req, reply) => {
    const em = emOf(orm);
    const u = await findClient(em, (req.params as { phone: string }).phone);
    return reply.code(201).send(await services.files.backupClient(em, actorOf(req), u.id));
  });

  app.get('/clients/:phone/file-access', {
    ...protect(guards, 'audit.read'),
    schema: {
      tags: ['clients'], summary: 'Quién leyó los archivos del cliente y cuándo', security: bearer, params: phoneParam,
      querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { at: nullableDateTime, actor_phone: nullableString, action: { type: 'string' }, target: nullableString, outcome: { type: 'string' }, channel: nullableString } } } } }, ...errors },
    },
  }, async (req) => {
    const em = emOf(orm);
    const u = await findClient(em, (req.params as { phone: string }).phone);
    const rows = await services.files.accessLog(em, u.id, (req.query as { limit: number }).limit);
    return { items: rows.map((r) => ({ at: iso(r.createdAt), actor_phone: r.actorPhone ?? null, action: r.action, target: r.target ?? null, outcome: r.outcome, channel: r.channel ?? null })) };
  });

  app.post('/clients/:phone/export', {
    ...noBody,
    ...protect(guards, 'clients.export'),
    schema: { tags: ['clients'], summary: 'Exportar todos los datos del cliente (zip JSON + HTML; auditado)', security: bearer, params: phoneParam, querystring: noQuery, body: emptyBody, response: { 200: binaryResponse, ...errors } },
  }, async (req, reply) => {
    const em = emOf(orm);
    const u = await findClient(em, (req.params as { phone: string }).phone);
    const result = await services.privacy.exportClient(em, actorOf(req), u.id);
    const stored = await services.files.backend.get(result.key);
    return sendFile(reply, { stream: stored!.stream, size: stored!.size, mimeType: 'application/zip', fileName: result.fileName });
  });

  // Erasure over HTTP: the same service as `/cliente olvidar`, with the step-up done here by the
  // caller's authenticator code (there is no chat to confirm in) and the phone typed again.
  app.post('/clients/:phone/erase', {
    ...protect(guards, 'clients.erase'),
    schema: {
      tags: ['clients'],
      summary: 'Borrar los datos personales de un cliente (derecho al olvido; pide el código TOTP del administrador)',
      security: bearer,
      params: phoneParam,
      querystring: noQuery,
      body: {
        type: 'object',
        properties: {
          confirmar: { type: 'string', minLength: 6, maxLength: 32, description: 'El teléfono del cliente otra vez, como confirmación' },
          totp: { type: 'string', pattern: '^[0-9]{6}$', description: 'El código actual de tu app de autenticación' },
        },
        required: ['confirmar', 'totp'],
        additionalProperties: false,
      },
      response: { 200: { type: 'object', properties: { cliente_id: { type: 'integer' }, deleted_rows: { type: 'integer' }, scrubbed_columns: { type: 'integer' }, files_deleted: { type: 'integer' } } }, ...errors },
    },
  }, async (req) => {
    const em = emOf(orm);
    const u = await findClient(em, (req.params as { phone: string }).phone);
    const body = req.body as { confirmar: string; totp: string };
    // A refused attempt is audited (by client id: the row must not repeat the phone an erasure removes).
    const refused = (reason: string) => auditApi(services, em, guards.caller(req), 'clients.erase', `usuario:${u.id}`, { clienteId: u.id, reason }, 'denied');
    if (normalizePhone(body.confirmar) !== u.phoneNumber) {
      await refused('confirm_mismatch');
      throw new ValidationError(t('privacy.confirm_mismatch', { phone: `+${u.phoneNumber}` }), undefined, 'CONFIRM_MISMATCH');
    }
    const actor = actorOf(req);
    const check = await checkStepUp(em, actor.userId!, body.totp, services.secrets, services.deps.clock.now());
    if (check !== 'ok') await refused(`totp_${check}`);
    if (check === 'not_enrolled') throw new ForbiddenError(t('privacy.stepup_not_enrolled'), 'TOTP_REQUIRED');
    if (check !== 'ok') throw new ForbiddenError(t('privacy.stepup_wrong'), check === 'reused' ? 'TOTP_REUSED' : 'TOTP_WRONG');
    const r = await services.privacy.eraseClient(em, actor, u.id);
    return {
      cliente_id: r.clienteId,
      deleted_rows: Object.values(r.deletedRows).reduce((a, b) => a + b, 0),
      scrubbed_columns: r.scrubbedColumns,
      files_deleted: r.filesDeleted,
    };
  });
}
