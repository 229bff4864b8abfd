import pino from 'pino';
import type { Logger } from '../services/deps';

/** JSON logs on stdout; secrets never reach them because nothing logs config or tokens. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'mediaforge' }, redact: ['req.headers.authorization', '*.token', '*.secret'] });
}
