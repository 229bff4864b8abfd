import pino from 'pino';
import type { Logger } from '../services/deps';

/**
 * JSON logs on stdout (or `destination`, which tests read); secrets never reach them because nothing
 * logs config or tokens. An error goes under the `err` key as the object itself: pino's serializer
 * writes its type, message and stack, each with its `cause` chain ("caused by: ...").
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'mediaforge' },
    redact: ['req.headers.authorization', '*.token', '*.secret'],
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
