import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths never logged in clear: phone numbers, message bodies and secrets. At debug/trace the
 * bodies are useful when diagnosing, so redaction of content applies at info and above only.
 */
const ALWAYS_REDACT = [
  'password',
  'token',
  'secret',
  'authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.passwordHash',
];
const PII_KEYS = ['phone', 'from', 'to', 'jid', 'body', 'text', 'remoteJid', 'chatJid', 'senderPhone', 'peerPhone', 'phoneNumber', 'pushName', 'caption'];
// Database errors quote the offending values (PostgreSQL: `Key ("phoneNumber")=(346…) already exists`).
const PII_REDACT = [...PII_KEYS, ...PII_KEYS.map((k) => `*.${k}`), 'err.detail', '*.err.detail', 'err.parameters', 'err.sql'];

export interface LoggerSetup {
  level?: string;
  /** Destination stream; logs go to stderr by default so stdout stays clean for CLI output. */
  destination?: NodeJS.WritableStream;
  pretty?: boolean;
}

/**
 * MikroORM's query errors read `<the SQL, with its values inlined> - <driver message>`; above
 * debug the SQL part (phones, bodies) is replaced, the driver's reason is kept.
 */
function serializeErrWithoutSql(err: unknown): Record<string, unknown> {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  const strip = (v: unknown) => (typeof v === 'string' ? v.replace(/^(\s*(?:[\w.]*Error: )?)(?:insert|update|delete|select|with|merge)\b[\s\S]*? - /i, '$1[sql redacted] - ') : v);
  out.message = strip(out.message);
  out.stack = strip(out.stack);
  return out;
}

export function createLogger(setup: LoggerSetup = {}): Logger {
  const level = setup.level ?? 'info';
  const verbose = level === 'debug' || level === 'trace';
  const opts: LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: verbose ? ALWAYS_REDACT : [...ALWAYS_REDACT, ...PII_REDACT], censor: '[redacted]' },
    serializers: verbose ? {} : { err: serializeErrWithoutSql },
  };
  const pretty = setup.pretty ?? Boolean(process.stderr.isTTY && !process.env.CI);
  if (pretty && !setup.destination) {
    return pino({ ...opts, transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino(opts, (setup.destination as pino.DestinationStream | undefined) ?? pino.destination(2));
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
