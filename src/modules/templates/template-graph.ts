import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import type { Logger } from '../../logger.ts';
import { t } from '../../shared/i18n/index.ts';
import { AppError } from '../../shared/errors.ts';
import { classifyMetaError, MetaTemplateError, type MetaErrorBody } from './meta-errors.ts';

/**
 * The WhatsApp Business Account's `message_templates` edge and the Resumable Upload API (media
 * header examples), on the Graph API. Transient errors (throttling codes, 5xx, timeouts) are
 * retried with exponential backoff and full jitter; permanent ones are thrown at once as a
 * MetaTemplateError with a Spanish message. `sleep` and `random` are injectable for tests.
 */

export interface MetaTemplateComponent {
  type: string;
  format?: string;
  text?: string;
  example?: Record<string, unknown>;
  buttons?: Array<{ type: string; text: string; url?: string; phone_number?: string; example?: string[] }>;
}

export interface MetaTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components?: MetaTemplateComponent[];
  rejected_reason?: string;
}

export interface TemplatePayload {
  name: string;
  language: string;
  category: string;
  components: MetaTemplateComponent[];
}

export interface TemplateGraphOptions {
  baseUrl: string;
  accessToken?: string;
  wabaId?: string;
  appId?: string;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  pageSize?: number;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface TemplateGraph {
  readonly configured: boolean;
  list(): Promise<{ templates: MetaTemplate[]; pages: number }>;
  create(payload: TemplatePayload): Promise<{ id: string; status: string; category: string | null }>;
  edit(metaId: string, payload: Pick<TemplatePayload, 'components'> & { category?: string }): Promise<void>;
  remove(name: string, metaId?: string | null): Promise<void>;
  /** Resumable upload: session on /{app-id}/uploads, then the bytes; returns the handle `h`. */
  uploadExample(bytes: Buffer, mimeType: string, fileName: string): Promise<string>;
}

const FIELDS = 'id,name,language,status,category,components,rejected_reason';

export function createTemplateGraph(opts: TemplateGraphOptions): TemplateGraph {
  const maxRetries = opts.maxRetries ?? 4;
  const base = opts.retryBaseMs ?? 500;
  const cap = opts.retryMaxMs ?? 30_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  const log = opts.logger?.child({ module: 'templates.graph' });
  const http: AxiosInstance = axios.create({ baseURL: opts.baseUrl.replace(/\/+$/, ''), timeout: opts.timeoutMs ?? 20_000, maxRedirects: 0 });

  const need = (value: string | undefined, variable: string): string => {
    if (!value) throw new AppError('META_NOT_CONFIGURED', t('templates.not_configured', { variable }), 503);
    return value;
  };

  async function call<T>(config: AxiosRequestConfig, auth: 'bearer' | 'oauth' = 'bearer'): Promise<T> {
    const token = need(opts.accessToken, 'META_ACCESS_TOKEN');
    const headers = { ...(config.headers as Record<string, string> | undefined), Authorization: auth === 'bearer' ? `Bearer ${token}` : `OAuth ${token}` };
    for (let attempt = 0; ; attempt++) {
      try {
        return (await http.request<T>({ ...config, headers })).data;
      } catch (err) {
        const ax = err instanceof AxiosError ? err : null;
        const status = ax?.response?.status ?? null;
        const body = (ax?.response?.data as { error?: MetaErrorBody } | undefined)?.error;
        const c = classifyMetaError(status, body, Boolean(ax && !ax.response));
        if (!c.transient || attempt >= maxRetries) throw new MetaTemplateError(c, status, body?.code ?? null);
        // Jitter: a random 50–100 % of the exponential step, so many clients do not retry in step.
        const wait = Math.round(Math.min(cap, base * 2 ** attempt) * (0.5 + random() / 2));
        log?.warn({ status, metaCode: body?.code, attempt: attempt + 1, waitMs: wait }, 'Graph API template call failed; retrying');
        await sleep(wait);
      }
    }
  }

  const waba = () => need(opts.wabaId, 'META_WABA_ID');

  return {
    configured: Boolean(opts.accessToken && opts.wabaId),

    async list() {
      const templates: MetaTemplate[] = [];
      let after: string | undefined;
      let pages = 0;
      // Follow the `after` cursor while Meta announces a next page (`paging.next`).
      for (;;) {
        const page = await call<{ data?: MetaTemplate[]; paging?: { next?: string; cursors?: { after?: string } } }>({
          method: 'get',
          url: `/${waba()}/message_templates`,
          params: { fields: FIELDS, limit: opts.pageSize ?? 100, ...(after ? { after } : {}) },
        });
        pages++;
        templates.push(...(page.data ?? []));
        const next = page.paging?.next ? page.paging.cursors?.after : undefined;
        if (!next || next === after || pages > 10_000) break;
        after = next;
      }
      return { templates, pages };
    },

    async create(payload) {
      const res = await call<{ id?: string; status?: string; category?: string }>({ method: 'post', url: `/${waba()}/message_templates`, data: payload });
      if (!res.id) throw new AppError('META_BAD_RESPONSE', t('templates.meta.unknown', { code: '-', detail: t('templates.meta.no_id') }), 502);
      return { id: String(res.id), status: res.status ?? 'PENDING', category: res.category ?? null };
    },

    async edit(metaId, payload) {
      await call({ method: 'post', url: `/${encodeURIComponent(metaId)}`, data: payload });
    },

    async remove(name, metaId) {
      await call({ method: 'delete', url: `/${waba()}/message_templates`, params: { name, ...(metaId ? { hsm_id: metaId } : {}) } });
    },

    async uploadExample(bytes, mimeType, fileName) {
      const app = need(opts.appId, 'META_APP_ID');
      const session = await call<{ id?: string }>({
        method: 'post',
        url: `/${app}/uploads`,
        params: { file_name: fileName, file_length: bytes.length, file_type: mimeType },
      });
      if (!session.id) throw new AppError('META_BAD_RESPONSE', t('templates.meta.unknown', { code: '-', detail: t('templates.meta.no_upload_session') }), 502);
      const done = await call<{ h?: string }>(
        { method: 'post', url: `/${session.id}`, data: bytes, headers: { file_offset: '0', 'Content-Type': 'application/octet-stream' } },
        'oauth',
      );
      if (!done.h) throw new AppError('META_BAD_RESPONSE', t('templates.meta.unknown', { code: '-', detail: t('templates.meta.no_handle') }), 502);
      return done.h;
    },
  };
}
