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
};

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
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: err.code ?? 'BAD_REQUEST', message: err.message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: t('common.internal_error') } });
  };
}
