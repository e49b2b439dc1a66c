/**
 * Shared JSON schemas for the HTTP API. Every route declares its schemas (validation + the
 * OpenAPI document); errors always have the same shape.
 */

export const errorSchema = {
  $id: 'ApiError',
  type: 'object',
  description: 'Error: a stable code and a human-readable Spanish message.',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

export const errorRef = { $ref: 'ApiError#' } as const;

/** Standard error responses for a protected route. */
export const protectedErrors = {
  400: errorRef,
  401: errorRef,
  403: errorRef,
} as const;

export const uuidParam = (name: string) =>
  ({
    type: 'object',
    properties: { [name]: { type: 'string', format: 'uuid' } },
    required: [name],
    additionalProperties: false,
  }) as const;

/** For routes that take no query parameters: an unknown one is a clear 400, never silently ignored. */
export const noQuery = { type: 'object', properties: {}, additionalProperties: false } as const;

/**
 * The largest id or offset a route accepts: every number that reaches SQL must fit the
 * databases' 32-bit integer columns (a 20-digit offset made SQLite answer "datatype mismatch").
 */
export const MAX_INT = 2_147_483_647;

export const paginationQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  offset: { type: 'integer', minimum: 0, maximum: MAX_INT, default: 0 },
} as const;

export const pageOf = (item: Record<string, unknown>) =>
  ({
    type: 'object',
    properties: {
      items: { type: 'array', items: item },
      total: { type: 'integer' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
    required: ['items', 'total', 'limit', 'offset'],
  }) as const;

export const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
export const nullableString = { type: ['string', 'null'] } as const;
