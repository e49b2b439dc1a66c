import { clientCounts, findClient as findClientByPhone } from '../../modules/messaging/client-lookup.ts';
import type { FastifyInstance } from 'fastify';
import type { EntityManager } from '@mikro-orm/sql';
import { type IUsuario } from '../../modules/identity/usuario.entity.ts';
import { FILE_TYPES } from '../../modules/files/client-file-storage.entity.ts';
import type { FileType } from '../../modules/files/file-names.ts';
import { errorRef, noQuery, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors } from '../schemas.ts';
import { auditApi, bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/** /api/clients/:phone and its files (metadata; the bytes come from /api/files/:fileId). */

export const phoneParam = {
  type: 'object',
  properties: { phone: { type: 'string', minLength: 6, maxLength: 32, description: 'Teléfono con prefijo internacional, p. ej. 34600000001 o +34600000001' } },
  required: ['phone'],
} as const;

const clientSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    phone: { type: 'string' },
    nombre: nullableString,
    email: nullableString,
    region: nullableString,
    location: nullableString,
    user_type: { type: 'string' },
    role: nullableString,
    is_active: { type: 'boolean' },
    account_status: { type: 'string' },
    marketing_opt_in: { type: 'boolean' },
    marketing_consent: { type: 'string', enum: ['unknown', 'granted', 'revoked'] },
    consent_source: nullableString,
    consent_at: nullableDateTime,
    opt_out_at: nullableDateTime,
    last_message_at: nullableDateTime,
    created_at: nullableDateTime,
    counts: { type: 'object', properties: { messages: { type: 'integer' }, orders: { type: 'integer' }, files: { type: 'integer' } } },
  },
} as const;

const fileSchema = {
  type: 'object',
  properties: {
    file_id: { type: 'string' },
    file_type: { type: 'string' },
    mime_type: nullableString,
    original_filename: nullableString,
    file_size: { type: ['integer', 'null'] },
    checksum_sha256: nullableString,
    download_status: { type: 'string' },
    accessed_count: { type: 'integer' },
    last_accessed: nullableDateTime,
    created_at: nullableDateTime,
    download_url: { type: 'string' },
  },
} as const;

/** Fastify has decoded the path once; a second, lenient pass accepts "%2B34…" typed twice-encoded. */
const decodeTwice = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** The client named by a path parameter (decoded leniently), or a Spanish 400/404. */
export function findClient(em: EntityManager, raw: string): Promise<IUsuario> {
  return findClientByPhone(em, decodeTwice(raw));
}

export async function clientRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm } = opts;

  app.get('/clients/:phone', {
    ...protect(guards, 'clients.read'),
    schema: { tags: ['clients'], summary: 'Ficha de un cliente por teléfono', security: bearer, params: phoneParam, querystring: noQuery, response: { 200: clientSchema, ...protectedErrors, 404: errorRef } },
  }, async (req) => {
    const em = emOf(orm);
    const u = await findClient(em, (req.params as { phone: string }).phone);
    const counts = await clientCounts(em, u.id);
    return {
      id: u.id,
      phone: u.phoneNumber,
      nombre: u.nombre ?? null,
      email: u.email ?? null,
      region: u.region ?? null,
      location: u.location ?? null,
      user_type: u.userType,
      role: u.role?.roleName ?? null,
      is_active: u.isActive,
      account_status: u.accountStatus,
      marketing_opt_in: u.marketingOptIn,
      marketing_consent: u.marketingConsent ?? 'unknown',
      consent_source: u.consentSource ?? null,
      consent_at: iso(u.consentAt),
      opt_out_at: iso(u.optOutAt),
      last_message_at: iso(u.lastMessageAt),
      created_at: iso(u.createdAt),
      counts,
    };
  });

  app.put('/clients/:phone/consent', {
    ...protect(guards, 'users.update'),
    schema: {
      tags: ['clients'],
      summary: 'Registra el consentimiento de marketing de un cliente (concedido o retirado) y de dónde viene',
      security: bearer,
      params: phoneParam,
      querystring: noQuery,
      body: {
        type: 'object',
        properties: {
          granted: { type: 'boolean', description: 'true: acepta recibir marketing; false: lo retira' },
          source: { type: 'string', minLength: 3, maxLength: 80, pattern: '^[\\p{L}\\p{N} _.:/@-]+$', description: 'De dónde viene el consentimiento, p. ej. "formulario-web", "tienda:madrid", "import:clientes-2026.csv"' },
        },
        required: ['granted', 'source'],
        additionalProperties: false,
      },
      response: { 200: { type: 'object', properties: { changed: { type: 'boolean' }, marketing_consent: { type: 'string' } } }, ...protectedErrors, 404: errorRef },
    },
  }, async (req) => {
    const { granted, source } = req.body as { granted: boolean; source: string };
    const phone = decodeTwice((req.params as { phone: string }).phone);
    const outcome = await opts.services.customers.setConsent(phone, granted, `api:${source}`);
    await auditApi(opts.services, emOf(orm), guards.caller(req), granted ? 'clients.consent_granted' : 'clients.consent_revoked', phone, { source, changed: outcome === 'changed' });
    return { changed: outcome === 'changed', marketing_consent: granted ? 'granted' : 'revoked' };
  });

  app.get('/clients/:phone/files', {
    ...protect(guards, 'clients.read'),
    schema: {
      tags: ['clients'], summary: 'Archivos recibidos de un cliente', security: bearer, params: phoneParam,
      querystring: {
        type: 'object',
        properties: {
          ...paginationQuery,
          type: { type: 'string', enum: [...FILE_TYPES] },
          from: { type: 'string', format: 'date-time', description: 'Desde (incluido), ISO 8601' },
          to: { type: 'string', format: 'date-time', description: 'Hasta (excluido), ISO 8601' },
          archived: { type: 'boolean' },
        },
        additionalProperties: false,
      },
      response: { 200: pageOf(fileSchema), ...protectedErrors, 404: errorRef },
    },
  }, async (req) => {
    const em = emOf(orm);
    const u = await findClient(em, (req.params as { phone: string }).phone);
    const q = req.query as { limit: number; offset: number; type?: FileType; from?: string; to?: string; archived?: boolean };
    const { items: rows, total } = await opts.services.files.getClientFiles(em, u.id, {
      type: q.type, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, archived: q.archived, limit: q.limit, offset: q.offset,
    });
    return {
      items: rows.map((f) => ({
        file_id: f.fileId,
        file_type: f.fileType,
        mime_type: f.mimeType ?? null,
        original_filename: f.originalFilename ?? null,
        file_size: f.fileSize ?? null,
        checksum_sha256: f.checksumSha256 ?? null,
        download_status: f.downloadStatus,
        accessed_count: f.accessedCount,
        last_accessed: iso(f.lastAccessed),
        created_at: iso(f.createdAt),
        download_url: `/api/files/${f.fileId}`,
      })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  });
}
