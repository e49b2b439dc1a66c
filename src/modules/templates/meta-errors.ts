import { AppError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';

/**
 * Meta Graph API errors → a Spanish message and a retry decision, by Meta's `code` (Meta advises
 * building error handling on `code` and `error_data.details`, not on HTTP statuses or titles).
 * Transient: throttling (4 app calls, 17/32/613 user and page limits, 80007 WABA limit, 130429
 * throughput, 131056 pair rate limit), 2 (service temporarily down), HTTP 5xx and network
 * timeouts. Everything else is permanent and not retried. 190 (and 0/102) is the expired or
 * invalid access token, which also alerts the super_admins.
 */

const THROTTLING_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131056]);
const TOKEN_CODES = new Set([0, 102, 190]);
const PERMISSION_CODES = new Set([3, 10]);
/** Subcodes of 100 for "a template with this name and language already exists". */
const NAME_EXISTS_SUBCODES = new Set([2388023, 2388024]);

export interface MetaErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_msg?: string;
  error_data?: { details?: string } | string;
}

export type MetaErrorKind =
  | 'token' | 'permission' | 'rate_limit' | 'unavailable' | 'name_exists' | 'not_found'
  | 'invalid_parameter' | 'paused' | 'disabled' | 'policy' | 'params_mismatch' | 'unknown';

export interface ClassifiedError {
  kind: MetaErrorKind;
  transient: boolean;
  message: string;
}

function detailOf(body: MetaErrorBody | undefined): string {
  const data = body?.error_data;
  const details = typeof data === 'string' ? data : data?.details;
  return (body?.error_user_msg || details || body?.message || '').slice(0, 300);
}

export function classifyMetaError(httpStatus: number | null, body: MetaErrorBody | undefined, network = false): ClassifiedError {
  const code = typeof body?.code === 'number' ? body.code : null;
  const sub = typeof body?.error_subcode === 'number' ? body.error_subcode : null;
  const detail = detailOf(body);
  const of = (kind: MetaErrorKind, transient = false, vars: Record<string, string | number> = {}): ClassifiedError => ({
    kind,
    transient,
    message: t(`templates.meta.${kind}`, { detail, code: code ?? httpStatus ?? '?', ...vars }),
  });
  if (network) return of('unavailable', true);
  if (code !== null && TOKEN_CODES.has(code) && (code !== 0 || httpStatus === 401)) return of('token');
  if (code !== null && THROTTLING_CODES.has(code)) return of('rate_limit', true);
  if (httpStatus === 429) return of('rate_limit', true);
  if (code === 2 || (httpStatus !== null && httpStatus >= 500)) return of('unavailable', true);
  if (code !== null && (PERMISSION_CODES.has(code) || (code >= 200 && code <= 299))) return of('permission');
  if (code === 100 && sub !== null && NAME_EXISTS_SUBCODES.has(sub)) return of('name_exists');
  if (code === 132001 || httpStatus === 404 || (code === 100 && /does not exist|no existe/i.test(detail))) return of('not_found');
  if (code === 100) return of('invalid_parameter');
  if (code === 132015) return of('paused');
  if (code === 132016) return of('disabled');
  if (code === 368 || code === 132007) return of('policy');
  if (code === 132000) return of('params_mismatch');
  return of('unknown');
}

export class MetaTemplateError extends AppError {
  readonly kind: MetaErrorKind;
  readonly transient: boolean;
  readonly metaCode: number | null;
  readonly httpStatus: number | null;
  constructor(c: ClassifiedError, httpStatus: number | null, metaCode: number | null) {
    super(`META_${c.kind.toUpperCase()}`, c.message, c.kind === 'not_found' ? 404 : c.kind === 'name_exists' ? 409 : 502, { metaCode, httpStatus });
    this.kind = c.kind;
    this.transient = c.transient;
    this.metaCode = metaCode;
    this.httpStatus = httpStatus;
  }
}
