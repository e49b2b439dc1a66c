import type { Config } from '../config.ts';

/**
 * What went wrong, as one Spanish sentence for the person at the terminal: the usual start-up
 * failures (a busy port, a database that does not answer or refuses the login) say what to do;
 * anything else gives the error's own message. The stack and details go to the log at debug.
 */

interface SysError {
  code?: string;
  port?: number;
  address?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** The error, its causes and the members of an AggregateError, outermost first. */
function chain(err: unknown): SysError[] {
  const out: SysError[] = [];
  const walk = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 5) return;
    out.push(e as SysError);
    walk((e as SysError).cause, depth + 1);
    for (const inner of (e as SysError).errors ?? []) walk(inner, depth + 1);
  };
  walk(err, 0);
  return out;
}

/** `postgres://user:secret@db.local:5432/app` → `db.local:5432/app` (never the credentials). */
export function databaseWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export function describeFailure(err: unknown, config: Config): string {
  const errors = chain(err);
  const find = (pred: (e: SysError) => boolean) => errors.find(pred);

  const inUse = find((e) => e.code === 'EADDRINUSE');
  if (inUse) {
    const port = inUse.port ?? config.HTTP_PORT;
    const name = port === config.HTTP_PORT ? 'HTTP_PORT' : port === config.BOT_PORT ? 'BOT_PORT' : null;
    return name
      ? `el puerto ${port} ya está en uso (${name}): cierra el programa que lo ocupa o elige otro con ${name}=<puerto>.`
      : `el puerto ${port} ya está en uso: cierra el programa que lo ocupa.`;
  }
  const denied = find((e) => e.code === 'EACCES' && e.port !== undefined);
  if (denied) return `no hay permiso para escuchar en el puerto ${denied.port}: usa un puerto a partir de 1024 (HTTP_PORT).`;
  const noAddress = find((e) => e.code === 'EADDRNOTAVAIL');
  if (noAddress) return `la dirección ${config.HTTP_HOST} (HTTP_HOST) no pertenece a esta máquina: usa 127.0.0.1, 0.0.0.0 o una de sus IP.`;

  if (config.db.kind === 'postgresql') {
    const where = databaseWhere(config.db.url);
    if (find((e) => UNREACHABLE.has(e.code ?? ''))) {
      return `no puedo conectar con PostgreSQL en ${where} (DATABASE_URL): comprueba que el servidor está en marcha y acepta conexiones.`;
    }
    if (find((e) => e.code === '28P01' || e.code === '28000')) {
      return `PostgreSQL en ${where} rechaza el usuario o la contraseña de DATABASE_URL.`;
    }
  } else if (find((e) => e.code === 'SQLITE_CANTOPEN' || e.code === 'EACCES' || e.code === 'EROFS')) {
    return `no puedo abrir la base de datos SQLite ${config.db.sqlitePath ?? ''}: comprueba que la carpeta existe y se puede escribir (STORAGE_DIR o DATABASE_URL).`;
  }
  const message = String((err as SysError | undefined)?.message ?? err).split('\n')[0]!.slice(0, 300);
  return `ha fallado: ${message} (más detalles con LOG_LEVEL=debug).`;
}
