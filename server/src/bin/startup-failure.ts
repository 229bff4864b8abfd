/**
 * Start-up failures people cause every day (a server that is down, a database not created, a
 * port taken), put in one line that names the cause and the variable to fix, instead of a stack.
 */
export class StartupFailure extends Error {
  override readonly name = 'StartupFailure';
}

type ErrorLike = { code?: unknown; message?: unknown; errors?: unknown[] };

/** The error's code, looking inside an AggregateError (Node tries IPv4 and IPv6 for `localhost`). */
function codeOf(err: unknown): string | undefined {
  const e = err as ErrorLike | null;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.code === 'string') return e.code;
  return Array.isArray(e.errors) ? codeOf(e.errors[0]) : undefined;
}

function messageOf(err: unknown): string {
  const e = err as ErrorLike | null;
  if (e && typeof e.message === 'string' && e.message) return e.message;
  if (e && Array.isArray(e.errors) && e.errors.length > 0) return messageOf(e.errors[0]);
  return String(err);
}

/** host:port/path of a URL without its credentials, for messages. */
export function describeUrl(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || defaultPort}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    // Only for a message: the URL's own validation reports it elsewhere.
    return '(unparsable URL)';
  }
}

/** For a failed first query on DATABASE_URL. */
export function databaseFailure(err: unknown, url: string): StartupFailure {
  const where = describeUrl(url, 5432);
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1)) || '(default)';
  const fix = 'Fix DATABASE_URL.';
  switch (codeOf(err)) {
    case 'ECONNREFUSED':
      return new StartupFailure(`cannot connect to PostgreSQL at ${where}: connection refused (is PostgreSQL running there?). ${fix}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupFailure(`cannot connect to PostgreSQL: host "${u.hostname}" not found. ${fix}`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new StartupFailure(`cannot connect to PostgreSQL at ${where}: ${messageOf(err)}. ${fix}`);
    case '3D000':
      return new StartupFailure(`PostgreSQL at ${where} has no database "${name}": create it (createdb ${name}) or fix DATABASE_URL.`);
    case '28P01':
    case '28000':
      return new StartupFailure(`PostgreSQL at ${where} refused the login: ${messageOf(err)}. Fix the user or password in DATABASE_URL.`);
    default:
      return new StartupFailure(`PostgreSQL at ${where} failed: ${messageOf(err)}. Check DATABASE_URL.`);
  }
}

/** For a Redis that does not answer a PING at start. */
export function redisFailure(err: unknown, url: string): StartupFailure {
  return new StartupFailure(`cannot reach Redis at ${describeUrl(url, 6379)}: ${messageOf(err)} (is Redis running there?). Fix REDIS_URL.`);
}

/** For object storage that does not answer at start. */
export function storageFailure(err: unknown, bucket: string | undefined, endpoint: string | undefined): StartupFailure {
  const where = `bucket "${bucket}"${endpoint ? ` at ${describeUrl(endpoint, 443)}` : ''}`;
  return new StartupFailure(`cannot reach S3 ${where}: ${messageOf(err)}. Check S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.`);
}

/** For the HTTP server's `listen` failing. */
export function listenFailure(err: unknown, host: string, port: number): StartupFailure {
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return new StartupFailure(`port ${port} on ${host} is already in use by another process: stop it, or set PORT to a free port.`);
    case 'EACCES':
      return new StartupFailure(`not allowed to listen on port ${port}: set PORT to a port above 1023, or run with the right to bind it.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupFailure(`cannot listen on ${host}: not an address of this machine. Fix HOST (0.0.0.0 listens on every address).`);
    default:
      return new StartupFailure(`cannot listen on ${host}:${port}: ${messageOf(err)}. Check HOST and PORT.`);
  }
}

/** Rejects with `fail()` when `check` takes longer than `ms` (an unreachable host can hang a connect). */
export async function within<T>(ms: number, check: Promise<T>, fail: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fail()), ms);
  });
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
