import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import cron from 'node-cron';

/**
 * The only reader of process.env. Every variable is validated once at start-up; a bad value
 * stops the process with a message naming the variable and what is expected.
 */

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
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

const duration = (what: string) =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${what}: expected a duration such as 10m, 30s, 2h or 500ms` });
      return z.NEVER;
    }
    return ms;
  });

const port = z.coerce.number().int().min(0).max(65535);

const cronExpr = z.string().refine((v) => cron.validate(v), 'expected a cron expression such as "0 */6 * * *"');

const phoneList = z.string().transform((v, ctx) => {
  const out: string[] = [];
  for (const raw of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const digits = raw.replace(/[\s\-().+]/g, '');
    if (!/^\d{8,15}$/.test(digits)) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a phone number with country code (e.g. +34600000001)` });
      return z.NEVER;
    }
    out.push(digits);
  }
  return out;
});

/** `key=amount,key=amount` (issue 12: message costs) → { key (lower case): amount }. */
const priceList = z.string().transform((v, ctx) => {
  const out: Record<string, number> = {};
  for (const part of v.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([^=]+)=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${part}": expected name=amount, e.g. whatsapp=0.0050` });
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
      'expected sqlite:<path> or postgres://user@host:port/db',
    ),
  HTTP_PORT: port.default(3008),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  BOT_PORT: port.default(3009),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_PHONES: phoneList.default([]),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_EXPIRES_IN: duration('JWT_EXPIRES_IN').default(12 * 3_600_000),
  META_APP_SECRET: z.string().min(1).optional(),
  META_VERIFY_TOKEN: z.string().min(1).optional(),
  META_ACCESS_TOKEN: z.string().min(1).optional(),
  META_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'expected the numeric phone number id from Meta').optional(),
  META_WABA_ID: z.string().regex(/^\d+$/, 'expected the numeric WhatsApp Business Account id').optional(),
  META_GRAPH_URL: z.url({ message: 'expected an http(s) URL' }).default('https://graph.facebook.com/v21.0'),
  PAIRING_PHONE: z
    .string()
    .transform((v) => v.replace(/[\s\-().+]/g, ''))
    .refine((v) => /^\d{8,15}$/.test(v), 'expected a phone number with country code, e.g. +34600000001')
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
    }, 'expected an IANA time zone such as Europe/Madrid')
    .optional(),
  WHATSAPP_ENABLED: boolish.default(true),
  RECORD_EVENTS: z.string().min(1).optional(),
  GROUP_SYNC_CRON: cronExpr.default('0 */6 * * *'),
  REPLY_MAX_AGE: duration('REPLY_MAX_AGE').default(10 * 60_000),
  MEDIA_MAX_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  ALLOW_GROUP_COMMANDS: boolish.default(false),
  CORS_ORIGINS: z.string().optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** HTTP login: wrong passwords (or TOTP codes) in a row before the account is locked. */
  AUTH_MAX_FAILED_LOGINS: z.coerce.number().int().min(1).max(100).default(5),
  AUTH_LOCKOUT: duration('AUTH_LOCKOUT').default(15 * 60_000),
  /** bcrypt work factor for staff passwords (each +1 doubles the time; 12 ≈ 250 ms). */
  BCRYPT_COST: z.coerce.number().int().min(10).max(15).default(12),
  /** Requests per minute per IP on /api/auth/* (0 = no limit). */
  AUTH_RATE_LIMIT: z.coerce.number().int().min(0).default(10),
  /** Requests per minute per IP on /webhooks/* (0 = no limit). Meta delivers from many IPs. */
  WEBHOOK_RATE_LIMIT: z.coerce.number().int().min(0).default(6000),
  /** Reports: cost of one outbound message per channel name or type (`whatsapp=0.0050,sms=0.0400`). */
  CHANNEL_COSTS: priceList.default({}),
  /** Reports: price per Meta pricing category for Cloud API sends (`marketing=0.0611,utility=0.02`). */
  META_CATEGORY_PRICES: priceList.default({}),
  REPORT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR').default('EUR'),
  /** Reports: cron (in TZ) for the channel statistics rollup of yesterday. */
  STATS_ROLLUP_CRON: cronExpr.default('5 0 * * *'),
  /** Reports: cron (in TZ) when scheduled reports are generated and delivered. */
  REPORT_SCHEDULE_CRON: cronExpr.default('0 8 * * *'),
});

type Raw = z.infer<typeof schema>;

export type DbKind = 'sqlite' | 'postgresql';

export interface Config extends Omit<Raw, 'DATABASE_URL' | 'JWT_SECRET'> {
  STORAGE_DIR: string;
  db: { kind: DbKind; url: string; sqlitePath?: string };
  JWT_SECRET: string;
  jwtSecretEphemeral: boolean;
}

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
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

/** Validates an environment (process.env by default) into the typed config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" (a common `.env` habit), so defaults apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
    throw new ConfigError(issues);
  }
  const raw = parsed.data;
  const storageDir = resolve(raw.STORAGE_DIR);
  const { DATABASE_URL, JWT_SECRET, ...rest } = raw;
  return {
    ...rest,
    STORAGE_DIR: storageDir,
    db: resolveDatabase(DATABASE_URL, storageDir),
    // No secret configured: a random one per process keeps the API safe (tokens die with it).
    JWT_SECRET: JWT_SECRET ?? randomBytes(48).toString('base64url'),
    jwtSecretEphemeral: !JWT_SECRET,
  };
}
