import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import cron from 'node-cron';

/**
 * The only reader of process.env. Every variable is validated once at start-up; a bad value
 * stops the process with a message naming the variable and what is expected.
 */

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''], { error: 'se esperaba true o false (también 1/0, yes/no, on/off)' })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** Durations like `10m`, `30s`, `2h`, `500ms` or a bare number of milliseconds. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  return Math.round(n * factor);
}

const duration = (_what: string) =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `se esperaba una duración como 10m, 30s, 2h o 500ms (recibido "${v.slice(0, 40)}")` });
      return z.NEVER;
    }
    return ms;
  });

/** An integer in [min, max]; any wrong value gets the one Spanish explanation. */
const int = (min: number, max: number, what = `un número entero entre ${min} y ${max}`) => {
  const error = `se esperaba ${what}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const port = int(0, 65535, 'un número de puerto entre 0 y 65535');

const cronExpr = z.string().refine((v) => cron.validate(v), 'se esperaba una expresión cron como "0 */6 * * *"');

const phoneList = z.string().transform((v, ctx) => {
  const out: string[] = [];
  for (const raw of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const digits = raw.replace(/[\s\-().+]/g, '');
    if (!/^\d{8,15}$/.test(digits)) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" no es un teléfono con prefijo de país (p. ej. +34600000001)` });
      return z.NEVER;
    }
    out.push(digits);
  }
  return out;
});

/** 32-byte keys, hex (64 characters) or base64; the first one encrypts, every one decrypts. */
const keyList = z.string().transform((v, ctx) => {
  const out: Buffer[] = [];
  for (const raw of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'se esperaban claves de 32 bytes, en 64 caracteres hexadecimales o base64 (openssl rand -hex 32), separadas por comas, la más nueva primero' });
      return z.NEVER;
    }
    out.push(key);
  }
  return out;
});

const FILE_KINDS = ['image', 'video', 'audio', 'document', 'other'] as const;
export type RetentionDays = Record<(typeof FILE_KINDS)[number], number>;
const DEFAULT_RETENTION = 'image=730,video=365,audio=365,document=1825,other=365';

/** `image=730,video=365,…`: days per file type; types left out keep the default, 0 keeps forever. */
const retentionList = z.string().transform((v, ctx) => {
  const out: RetentionDays = { image: 730, video: 365, audio: 365, document: 1825, other: 365 };
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\w+)\s*=\s*(\d{1,6})$/.exec(part);
    if (!m || !FILE_KINDS.includes(m[1] as never)) {
      ctx.addIssue({ code: 'custom', message: `"${part}": se esperaba tipo=días, con tipo uno de ${FILE_KINDS.join(', ')} (p. ej. image=730)` });
      return z.NEVER;
    }
    out[m[1] as keyof RetentionDays] = Number(m[2]);
  }
  return out;
});

/** `key=amount,key=amount` (issue 12: message costs) → { key (lower case): amount }. */
const priceList = z.string().transform((v, ctx) => {
  const out: Record<string, number> = {};
  for (const part of v.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([^=]+)=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${part}": se esperaba nombre=importe, p. ej. whatsapp=0.0050` });
      return z.NEVER;
    }
    out[m[1]!.trim().toLowerCase()] = Number(m[2]);
  }
  return out;
});

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  STORAGE_DIR: z.string().min(1).default('./storage'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine(
      (v) => !v || /^(sqlite:|postgres(ql)?:\/\/)/.test(v),
      'se esperaba sqlite:<ruta> o postgres://usuario@host:puerto/base',
    ),
  /** SQLite page cache per connection, in MiB (the nightly scores over a million clients want ≥ 64). */
  SQLITE_CACHE_MB: int(2, 65_536, 'un número de MiB entre 2 y 65536').default(64),
  HTTP_PORT: port.default(3008),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  BOT_PORT: port.default(3009),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_PHONES: phoneList.default([]),
  JWT_SECRET: z.string().min(32, 'debe tener al menos 32 caracteres').optional(),
  JWT_EXPIRES_IN: duration('JWT_EXPIRES_IN').default(12 * 3_600_000),
  META_APP_SECRET: z.string().optional(),
  META_VERIFY_TOKEN: z.string().optional(),
  META_ACCESS_TOKEN: z.string().optional(),
  // Several Cloud API numbers may share the app: comma-separated phone number ids.
  META_PHONE_NUMBER_ID: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((ids) => ids.every((id) => /^\d{1,30}$/.test(id)), 'se esperaban los ids numéricos de los números de teléfono que da Meta, separados por comas')
    .default([]),
  META_WABA_ID: z.string().regex(/^\d+$/, 'se esperaba el id numérico de la cuenta de WhatsApp Business').optional(),
  /** Meta app id: media header examples go through its Resumable Upload API (/{app-id}/uploads). */
  META_APP_ID: z.string().regex(/^\d+$/, 'se esperaba el id numérico de la app de Meta').optional(),
  /** When message templates are re-read from Meta (status, verdict, category, new templates). */
  TEMPLATE_SYNC_CRON: cronExpr.default('0 */6 * * *'),
  // Graph API base URL including the version; v24.0 is current (older versions are refused by Meta).
  META_GRAPH_URL: z.url({ message: 'se esperaba una URL http(s)' }).default('https://graph.facebook.com/v24.0'),
  META_MARK_READ: boolish.default(true),
  PAIRING_PHONE: z
    .string()
    .transform((v) => v.replace(/[\s\-().+]/g, ''))
    .refine((v) => /^\d{8,15}$/.test(v), 'se esperaba un teléfono con prefijo de país, p. ej. +34600000001')
    .optional(),
  TZ: z
    .string()
    .refine((v) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: v });
        return true;
      } catch {
        return false;
      }
    }, 'se esperaba una zona horaria IANA como Europe/Madrid')
    .optional(),
  WHATSAPP_ENABLED: boolish.default(true),
  RECORD_EVENTS: z.string().min(1).optional(),
  GROUP_SYNC_CRON: cronExpr.default('0 */6 * * *'),
  REPLY_MAX_AGE: duration('REPLY_MAX_AGE').default(10 * 60_000),
  MEDIA_MAX_BYTES: int(1, Number.MAX_SAFE_INTEGER, 'un número de bytes mayor que 0').default(64 * 1024 * 1024),
  ALLOW_GROUP_COMMANDS: boolish.default(false),
  CORS_ORIGINS: z.string().optional(),
  BODY_LIMIT_BYTES: int(1, Number.MAX_SAFE_INTEGER, 'un número de bytes mayor que 0').default(1024 * 1024),
  /** HTTP login: failed logins per IP within AUTH_FAILURE_WINDOW before each attempt must wait (login-throttle.ts). */
  AUTH_MAX_FAILED_LOGINS: int(1, 100).default(5),
  /** How long failed logins are remembered: a quiet window forgets them. */
  AUTH_FAILURE_WINDOW: duration('AUTH_FAILURE_WINDOW').default(15 * 60_000),
  /** The longest wait a throttled login is given (the wait doubles from 1 s up to this). */
  AUTH_BACKOFF_MAX: duration('AUTH_BACKOFF_MAX').default(15 * 60_000),
  /** bcrypt work factor for staff passwords (each +1 doubles the time; 12 ≈ 250 ms). */
  BCRYPT_COST: int(10, 15).default(12),
  /** Requests per minute per IP on /api/auth/* (0 = no limit). */
  AUTH_RATE_LIMIT: int(0, 1_000_000, 'un número de peticiones por minuto (0 = sin límite)').default(10),
  /** AES-256-GCM keys for secrets stored in the database (TOTP seeds); newest first (rotation). */
  TOTP_ENCRYPTION_KEY: keyList.default([]),
  /** Treat a customer's first message as marketing consent (only where the law allows it). */
  CONSENT_ON_FIRST_MESSAGE: boolish.default(false),
  /** Longest message body stored in conversations_log (characters); the full length is kept. */
  MESSAGE_BODY_MAX_CHARS: z.coerce.number().int().min(256).max(1_000_000).default(16_384),
  /** Requests per minute per IP on /webhooks/* (0 = no limit). Meta delivers from many IPs. */
  WEBHOOK_RATE_LIMIT: int(0, 1_000_000, 'un número de peticiones por minuto (0 = sin límite)').default(6000),
  /** Key of the audit log's personal-field digests (HMAC-SHA256); unset: a key file in STORAGE_DIR. */
  AUDIT_HMAC_KEY: z.string().min(32, 'debe tener al menos 32 caracteres').optional(),
  /** Default retention of client files per type, in days (0 = keep): `image=730,video=365,…`. */
  FILE_RETENTION_DAYS: z.string().default(DEFAULT_RETENTION).pipe(retentionList),
  /** When the retention job deletes expired client files (daily). */
  RETENTION_CRON: cronExpr.default('30 3 * * *'),
  /** Scheduled per-client backups (clients with new messages since their last backup); unset: on demand only. */
  BACKUP_CRON: cronExpr.optional(),
  /** Reports: cost of one outbound message per channel name or type (`whatsapp=0.0050,sms=0.0400`). */
  CHANNEL_COSTS: priceList.default({}),
  /** Reports: price per Meta pricing category for Cloud API sends (`marketing=0.0611,utility=0.02`). */
  META_CATEGORY_PRICES: priceList.default({}),
  REPORT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'se esperaba un código ISO 4217 como EUR').default('EUR'),
  /** Reports: cron (in TZ) for the channel statistics rollup of yesterday. */
  STATS_ROLLUP_CRON: cronExpr.default('5 0 * * *'),
  /** Reports: cron (in TZ) when scheduled reports are generated and delivered. */
  REPORT_SCHEDULE_CRON: cronExpr.default('0 8 * * *'),
});

/** Variables that no longer exist: refused with what replaced them, so an old setting is never silently ignored. */
const REMOVED: Record<string, string> = {
  AUTH_LOCKOUT: 'ya no existe: las cuentas no se bloquean; los intentos fallidos esperan cada vez más, como máximo AUTH_BACKOFF_MAX (ver README)',
};

type Raw = z.infer<typeof schema>;

export type DbKind = 'sqlite' | 'postgresql';

export interface Config extends Omit<Raw, 'DATABASE_URL' | 'JWT_SECRET'> {
  STORAGE_DIR: string;
  db: { kind: DbKind; url: string; sqlitePath?: string; sqliteCacheMb?: number };
  JWT_SECRET: string;
  jwtSecretEphemeral: boolean;
}

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    // One line per problem, each readable on its own (the CLI prints them as they are).
    super(issues.map((i) => `configuración no válida: ${i}`).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function resolveDatabase(url: string | undefined, storageDir: string): Config['db'] {
  if (!url) {
    const sqlitePath = resolve(storageDir, 'mariadono.sqlite');
    return { kind: 'sqlite', url: `sqlite:${sqlitePath}`, sqlitePath };
  }
  if (url.startsWith('sqlite:')) {
    const p = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    const sqlitePath = p === ':memory:' ? p : isAbsolute(p) ? p : resolve(p);
    return { kind: 'sqlite', url, sqlitePath };
  }
  return { kind: 'postgresql', url };
}

/**
 * Loads a `.env` file into process.env with Node's own parser: variables already in the
 * environment win, so `PORT=1 npm start` overrides the file. A missing file is fine (null);
 * one that cannot be read is a Spanish sentence saying why.
 */
export function loadEnvFile(path: string): string | null {
  const cannot = (why: string) => `no se puede leer ${path} (${why})`;
  try {
    if (!statSync(path).isFile()) return cannot('no es un fichero');
    process.loadEnvFile(path);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return cannot(code === 'EACCES' ? 'permiso denegado' : (err as Error).message);
  }
}

/** Validates an environment (process.env by default) into the typed config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" (a common `.env` habit), so defaults apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned, { error: z.locales.es().localeError });
  const removed = Object.keys(REMOVED).filter((k) => k in cleaned).map((k) => `${k}: ${REMOVED[k]}`);
  if (!parsed.success || removed.length) {
    const issues = (parsed.error?.issues ?? []).map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
    throw new ConfigError([...issues, ...removed]);
  }
  const raw = parsed.data;
  const storageDir = resolve(raw.STORAGE_DIR);
  const { DATABASE_URL, JWT_SECRET, ...rest } = raw;
  return {
    ...rest,
    STORAGE_DIR: storageDir,
    db: { ...resolveDatabase(DATABASE_URL, storageDir), sqliteCacheMb: raw.SQLITE_CACHE_MB },
    // No secret configured: a random one per process keeps the API safe (tokens die with it).
    JWT_SECRET: JWT_SECRET ?? randomBytes(48).toString('base64url'),
    jwtSecretEphemeral: !JWT_SECRET,
  };
}
