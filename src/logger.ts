import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { createRequire } from 'node:module';

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
  /**
   * Log to this file (JSON, at `level`) and show only `consoleLevel` and above on stderr,
   * formatted by pino-pretty: for commands that share the terminal with a person (`chat`).
   */
  file?: string;
  consoleLevel?: string;
}

const ORDER = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

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
  if (setup.file) {
    const consoleLevel = ORDER[Math.max(ORDER.indexOf(level), ORDER.indexOf(setup.consoleLevel ?? 'warn'))]!;
    mkdirSync(dirname(setup.file), { recursive: true });
    if (level === 'silent') return pino(opts);
    const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream: pino.destination({ dest: setup.file, sync: true }) }];
    if (consoleLevel !== 'silent') {
      // Loaded only here: every other command would pay for the import.
      const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
      const formatted = pinoPretty({ destination: 2, sync: true, colorize: Boolean(process.stderr.isTTY), translateTime: 'SYS:HH:MM:ss', singleLine: true });
      streams.push({ level: consoleLevel as pino.Level, stream: formatted });
    }
    return pino(opts, pino.multistream(streams));
  }
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
