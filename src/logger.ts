/** Structured JSON logs (pino) to standard output; secrets in headers are never written. */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'coursepulse',
      level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.ltik', '*.secret', '*.password'],
        censor: '[hidden]',
      },
    },
    destination,
  );
}
