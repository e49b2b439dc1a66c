import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { Logger } from '../../logger.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * Graph API (WhatsApp Cloud API) client. The base URL is configurable (META_GRAPH_URL) so tests
 * point it at a mock server on 127.0.0.1. Meta throttles with 429 and has transient 5xx: those are
 * retried with exponential backoff (Retry-After honoured); 4xx are final (bad token, bad number).
 */

export interface GraphClientOptions {
  baseUrl: string;
  accessToken?: string;
  phoneNumberId?: string;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  mediaMaxBytes?: number;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

export interface MediaInfo {
  url: string;
  mimeType: string | null;
  sha256: string | null;
  fileSize: number | null;
}

export interface SendOutcome {
  messageId: string;
  waId: string | null;
}

import type { TemplateComponent } from '../../transport/types.ts';

export class GraphApiError extends AppError {
  readonly metaCode: number | null;
  readonly httpStatus: number | null;
  constructor(message: string, httpStatus: number | null, metaCode: number | null, code = 'META_GRAPH_ERROR') {
    super(code, message, 502, { httpStatus, metaCode });
    this.httpStatus = httpStatus;
    this.metaCode = metaCode;
  }
}

const RETRYABLE = (status: number | undefined) => status === 429 || (status !== undefined && status >= 500);

function describe(err: unknown): GraphApiError {
  if (err instanceof GraphApiError) return err;
  if (err instanceof AxiosError) {
    const data = err.response?.data as { error?: { message?: string; code?: number } } | undefined;
    const status = err.response?.status ?? null;
    const msg = data?.error?.message ?? err.message;
    return new GraphApiError(`Graph API ${status ?? err.code ?? 'error'}: ${msg}`, status, data?.error?.code ?? null);
  }
  return new GraphApiError(`Graph API: ${(err as Error)?.message ?? String(err)}`, null, null);
}

/** A streamed error body must be drained, or its socket stays busy until the timeout. */
function drain(err: unknown): void {
  const data = err instanceof AxiosError ? (err.response?.data as { resume?: () => void } | undefined) : undefined;
  if (data && typeof data.resume === 'function') data.resume();
}

export interface GraphClient {
  readonly configured: boolean;
  getMediaInfo(mediaId: string): Promise<MediaInfo>;
  downloadMedia(mediaId: string): Promise<Readable>;
  sendText(to: string, body: string, opts?: { previewUrl?: boolean; replyTo?: string }): Promise<SendOutcome>;
  sendTemplate(to: string, name: string, language: string, components?: TemplateComponent[]): Promise<SendOutcome>;
  sendMedia(to: string, kind: 'image' | 'document', media: { id: string }, opts?: { caption?: string; fileName?: string }): Promise<SendOutcome>;
  uploadMedia(bytes: Buffer, mimeType: string, fileName: string): Promise<string>;
  /** An interactive message (`button` or `list`), the `interactive` object as Meta documents it. */
  sendInteractive(to: string, interactive: Record<string, unknown>): Promise<SendOutcome>;
  /** Marks an inbound message as read (the customer sees blue ticks). */
  markRead(messageId: string): Promise<void>;
  readonly phoneNumberId: string | null;
}

export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const maxRetries = opts.maxRetries ?? 3;
  const retryBaseMs = opts.retryBaseMs ?? 300;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = opts.logger?.child({ module: 'meta.graph' });
  const http: AxiosInstance = axios.create({
    baseURL: opts.baseUrl.replace(/\/+$/, ''),
    timeout: opts.timeoutMs ?? 15_000,
    headers: opts.accessToken ? { Authorization: `Bearer ${opts.accessToken}` } : {},
    // Redirects off: the bearer token must never follow a redirect to another host.
    maxRedirects: 0,
  });

  async function request<T>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    if (!opts.accessToken) throw new GraphApiError('META_ACCESS_TOKEN no está configurado', null, null, 'META_NOT_CONFIGURED');
    for (let attempt = 0; ; attempt++) {
      try {
        return await http.request<T>(config);
      } catch (err) {
        const status = err instanceof AxiosError ? err.response?.status : undefined;
        const networkGet = err instanceof AxiosError && !err.response && (config.method ?? 'get') === 'get';
        if (attempt >= maxRetries || !(RETRYABLE(status) || networkGet)) throw describe(err);
        const retryAfter = Number(err instanceof AxiosError ? err.response?.headers?.['retry-after'] : NaN);
        const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : retryBaseMs * 2 ** attempt;
        log?.warn({ status, attempt: attempt + 1, waitMs: wait, url: config.url }, 'Graph API call failed; retrying');
        drain(err);
        await sleep(wait);
      }
    }
  }

  function phoneId(): string {
    if (!opts.phoneNumberId) throw new GraphApiError('META_PHONE_NUMBER_ID no está configurado', null, null, 'META_NOT_CONFIGURED');
    return opts.phoneNumberId;
  }

  async function sendMessage(payload: Record<string, unknown>): Promise<SendOutcome> {
    const res = await request<{ messages?: Array<{ id?: string }>; contacts?: Array<{ wa_id?: string }> }>({
      method: 'post',
      url: `/${phoneId()}/messages`,
      data: { messaging_product: 'whatsapp', recipient_type: 'individual', ...payload },
    });
    const id = res.data?.messages?.[0]?.id;
    if (!id) throw new GraphApiError('Graph API: la respuesta no trae el id del mensaje', res.status, null);
    return { messageId: id, waId: res.data.contacts?.[0]?.wa_id ?? null };
  }

  const client: GraphClient = {
    configured: Boolean(opts.accessToken),
    phoneNumberId: opts.phoneNumberId ?? null,

    sendInteractive(to, interactive) {
      return sendMessage({ to, type: 'interactive', interactive });
    },

    async markRead(messageId) {
      await request({ method: 'post', url: `/${phoneId()}/messages`, data: { messaging_product: 'whatsapp', status: 'read', message_id: messageId } });
    },

    async getMediaInfo(mediaId) {
      const res = await request<{ url?: string; mime_type?: string; sha256?: string; file_size?: number | string }>({
        method: 'get',
        url: `/${encodeURIComponent(mediaId)}`,
      });
      if (!res.data?.url) throw new GraphApiError(`Graph API: el medio ${mediaId} no tiene URL`, res.status, null);
      const size = Number(res.data.file_size);
      return { url: res.data.url, mimeType: res.data.mime_type ?? null, sha256: res.data.sha256 ?? null, fileSize: Number.isFinite(size) ? size : null };
    },

    async downloadMedia(mediaId) {
      const info = await client.getMediaInfo(mediaId);
      const max = opts.mediaMaxBytes;
      if (max && info.fileSize !== null && info.fileSize > max) {
        throw new GraphApiError(`El medio ${mediaId} ocupa ${info.fileSize} bytes (máximo ${max})`, null, null, 'MEDIA_TOO_LARGE');
      }
      // The media URL is absolute and also needs the bearer token (Meta answers 401 without it).
      const res = await request<Readable>({
        method: 'get',
        url: info.url,
        responseType: 'stream',
        maxContentLength: max ?? -1,
      });
      return res.data;
    },

    sendText(to, body, o = {}) {
      return sendMessage({
        to,
        type: 'text',
        text: { body, preview_url: o.previewUrl ?? false },
        ...(o.replyTo ? { context: { message_id: o.replyTo } } : {}),
      });
    },

    sendTemplate(to, name, language, components) {
      return sendMessage({ to, type: 'template', template: { name, language: { code: language }, ...(components?.length ? { components } : {}) } });
    },

    sendMedia(to, kind, media, o = {}) {
      const body: Record<string, unknown> = { id: media.id };
      if (o.caption) body.caption = o.caption;
      if (kind === 'document' && o.fileName) body.filename = o.fileName;
      return sendMessage({ to, type: kind, [kind]: body });
    },

    async uploadMedia(bytes, mimeType, fileName) {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', mimeType);
      form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), fileName);
      const res = await request<{ id?: string }>({ method: 'post', url: `/${phoneId()}/media`, data: form });
      if (!res.data?.id) throw new GraphApiError('Graph API: la subida no devolvió id', res.status, null);
      return res.data.id;
    },
  };
  return client;
}
