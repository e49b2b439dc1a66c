import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../shared/errors.ts';
import { t } from '../shared/i18n/index.ts';

/**
 * The one mapping from errors to HTTP answers: always `{ "error": { "code", "message" } }`, with a
 * Spanish message from the catalog. Domain errors (AppError) carry their own code and status;
 * Fastify's own errors get stable codes; anything else is a 500 that hides the details.
 */

const FASTIFY_CODES: Record<string, { code: string; message: (e: FastifyError, max: number) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: (_e, max) => t('http.body_too_large', { max }) },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: () => t('http.unsupported_media_type') },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', message: (e) => t('common.invalid_input', { detail: e.message }) },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'VALIDATION_ERROR', message: () => t('common.invalid_input', { detail: 'el cuerpo JSON está vacío' }) },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: (e) => t('common.invalid_input', { detail: e.message }) },
  // Router errors: they reach the handler through Fastify's `frameworkErrors` option (server.ts).
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URI_TOO_LONG', message: () => t('http.param_too_long', { max: MAX_PARAM_LENGTH }) },
  FST_ERR_BAD_URL: { code: 'BAD_URL', message: () => t('http.bad_url') },
};

/** Fastify's default: a path parameter longer than this is refused before routing (414). */
export const MAX_PARAM_LENGTH = 100;

/** Any other 4xx Fastify or a plugin raises: a stable code and a Spanish sentence, never the English text. */
const CLIENT_ERRORS: Record<number, { code: string; key: string }> = {
  400: { code: 'BAD_REQUEST', key: 'http.client.400' },
  401: { code: 'UNAUTHORIZED', key: 'admin.login.unauthorized' },
  403: { code: 'FORBIDDEN', key: 'common.forbidden' },
  404: { code: 'NOT_FOUND', key: 'common.not_found' },
  405: { code: 'METHOD_NOT_ALLOWED', key: 'http.client.405' },
  406: { code: 'NOT_ACCEPTABLE', key: 'http.client.406' },
  408: { code: 'REQUEST_TIMEOUT', key: 'http.client.408' },
  413: { code: 'BODY_TOO_LARGE', key: 'http.client.413' },
  414: { code: 'URI_TOO_LONG', key: 'http.client.414' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', key: 'http.unsupported_media_type' },
  431: { code: 'HEADERS_TOO_LARGE', key: 'http.client.431' },
};

export function clientError(status: number): { code: string; message: string } {
  const known = CLIENT_ERRORS[status];
  return known ? { code: known.code, message: t(known.key) } : { code: 'BAD_REQUEST', message: t('http.client.other', { status }) };
}

const TYPES: Record<string, string> = {
  integer: 'un número entero', number: 'un número', string: 'texto', boolean: 'true o false', object: 'un objeto JSON', array: 'una lista', null: 'null',
};
const FORMATS: Record<string, string> = {
  uuid: 'un UUID (p. ej. 5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d)',
  'date-time': 'una fecha y hora ISO 8601 (p. ej. 2026-12-01T10:00:00Z)',
  date: 'una fecha AAAA-MM-DD',
  email: 'una dirección de correo',
  uri: 'una URL',
};
const PLACES: Record<string, string> = { body: 'el cuerpo', querystring: 'la consulta', params: 'la ruta', headers: 'las cabeceras' };

const typeList = (t: unknown) => String(t).split(',').map((x) => TYPES[x] ?? x).join(' o ');

type AjvError = NonNullable<FastifyError['validation']>[number] & { schemaPath?: string };

/**
 * Ajv's messages are English and technical; this names the field (and where it was: body,
 * querystring, params) and what it expects, in Spanish. Every keyword gets a Spanish sentence;
 * an unknown one still names the field, never leaks Ajv's text.
 */
function describeValidation(err: FastifyError): string {
  const place = err.validationContext ?? 'body';
  const all = (err.validation ?? []) as AjvError[];
  // anyOf/oneOf report each failed branch too: keep one sentence listing the alternatives.
  const unions = all.filter((v) => v.keyword === 'anyOf' || v.keyword === 'oneOf');
  const inUnion = (v: AjvError) => unions.some((u) => u !== v && u.instancePath === v.instancePath && (v.schemaPath ?? '').startsWith(`${u.schemaPath}/`));
  const list = all.filter((v) => !inUnion(v)).slice(0, 5).map((v) => {
    const p = v.params as Record<string, unknown>;
    const path = v.instancePath ? v.instancePath.slice(1).replace(/\//g, '.') : '';
    const label = path ? `el campo "${path}" (${place})` : (PLACES[place] ?? place);
    switch (v.keyword) {
      case 'required': return `falta el campo obligatorio "${[path, String(p.missingProperty)].filter(Boolean).join('.')}" (${place})`;
      case 'additionalProperties': return `el campo "${[path, String(p.additionalProperty)].filter(Boolean).join('.')}" no está permitido (${place})`;
      case 'enum': return `${label} debe ser uno de: ${(p.allowedValues as unknown[]).join(', ')}`;
      case 'const': return `${label} debe ser ${String(p.allowedValue)}`;
      case 'type': return `${label} debe ser ${typeList(p.type)}`;
      case 'format': return `${label} debe ser ${FORMATS[String(p.format)] ?? `de formato ${String(p.format)}`}`;
      case 'minLength': return `${label} debe tener al menos ${String(p.limit)} caracteres`;
      case 'maxLength': return `${label} debe tener como máximo ${String(p.limit)} caracteres`;
      case 'minimum': case 'exclusiveMinimum': return `${label} debe ser como mínimo ${String(p.limit)}`;
      case 'maximum': case 'exclusiveMaximum': return `${label} debe ser como máximo ${String(p.limit)}`;
      case 'minItems': return `${label} debe tener al menos ${String(p.limit)} elementos`;
      case 'maxItems': return `${label} debe tener como máximo ${String(p.limit)} elementos`;
      case 'minProperties': return `${label} debe incluir al menos ${String(p.limit)} campo(s)`;
      case 'pattern': return `${label} no tiene el formato esperado (patrón ${String(p.pattern)})`;
      case 'anyOf': case 'oneOf': {
        const types = all.filter((b) => inUnion(b) && b.instancePath === v.instancePath && b.keyword === 'type').map((b) => typeList((b.params as { type: unknown }).type));
        return types.length ? `${label} debe ser ${[...new Set(types)].join(' o ')}` : `${label} no tiene un valor válido`;
      }
      default: return `${label} no es válido`;
    }
  });
  return list.join('; ') || `revisa ${PLACES[place] ?? place}`;
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (malformed request line,
 * headers too large): answered in the same shape, then the connection is closed.
 */
export function handleClientError(err: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (!socket.writable) return void socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ error: clientError(status) });
  socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function createErrorHandler(bodyLimit: number) {
  return function httpErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
    if (isAppError(err)) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    }
    if (err.validation) {
      return reply.status(400).send({ error: { code: 'VALIDATION_ERROR', message: t('common.invalid_input', { detail: describeValidation(err) }) } });
    }
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return reply.status(err.statusCode ?? 400).send({ error: { code: known.code, message: known.message(err, bodyLimit) } });
    if (err.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'RATE_LIMITED', message: t('common.rate_limited') } });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      req.log.debug({ err }, 'client error');
      return reply.status(err.statusCode).send({ error: clientError(err.statusCode) });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: t('common.internal_error') } });
  };
}
