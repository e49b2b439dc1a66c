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

/** Ajv's messages are English and technical; this names the field and what it expects. */
function describeValidation(err: FastifyError): string {
  const list = (err.validation ?? []).slice(0, 5).map((v) => {
    const where = `${err.validationContext ?? 'body'}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
    const p = v.params as Record<string, unknown>;
    if (v.keyword === 'required') return `falta el campo obligatorio "${String(p.missingProperty)}" (${where})`;
    if (v.keyword === 'additionalProperties') return `el campo "${String(p.additionalProperty)}" no está permitido (${where})`;
    if (v.keyword === 'enum') return `${where} debe ser uno de: ${(p.allowedValues as unknown[]).join(', ')}`;
    if (v.keyword === 'type') return `${where} debe ser de tipo ${String(p.type)}`;
    if (v.keyword === 'format') return `${where} debe tener formato ${String(p.format)}`;
    if (v.keyword === 'minLength' || v.keyword === 'maxLength') return `${where}: ${v.keyword === 'minLength' ? 'mínimo' : 'máximo'} ${String(p.limit)} caracteres`;
    if (v.keyword === 'minimum' || v.keyword === 'maximum') return `${where}: ${v.keyword === 'minimum' ? 'mínimo' : 'máximo'} ${String(p.limit)}`;
    if (v.keyword === 'pattern') return `${where} no tiene el formato esperado`;
    return `${where} ${v.message ?? 'no es válido'}`;
  });
  return list.join('; ') || err.message;
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
