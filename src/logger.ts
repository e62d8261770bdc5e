import { type Logger as PinoLogger, pino } from 'pino';
import type { GatewayConfig } from './config.js';

/** The gateway's log sink: pino, one JSON object a line. */
export type Logger = PinoLogger;

export interface LoggerOptions {
  level: string;
  /** Values that must never be written (the API key, client tokens), wherever they appear. */
  secrets: readonly string[];
  /** Where lines go; stdout when omitted. */
  destination?: NodeJS.WritableStream;
}

const REDACTED = '[redacted]';

/**
 * A logger that scrubs the given secrets from every string it writes: messages, fields and
 * error texts alike. Path-based redaction alone would miss a key echoed inside a message.
 */
export function createLogger({ level, secrets, destination }: LoggerOptions): Logger {
  const needles = secrets.filter((secret) => secret.length >= 4);
  const scrub = (text: string) =>
    needles.reduce((result, secret) => result.replaceAll(secret, REDACTED), text);
  const scrubDeep = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (value instanceof Error)
      return { type: value.name, message: scrub(value.message), stack: scrub(value.stack ?? '') };
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item, depth + 1)]));
  };
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['authorization', '*.authorization', 'headers.authorization', 'apiKey', '*.apiKey'],
        censor: REDACTED,
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubDeep(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => scrubDeep(arg)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? process.stdout,
  );
}

/** The gateway's logger: its level from the config, its secrets the API key and every client token. */
export function createGatewayLogger(config: GatewayConfig, destination?: NodeJS.WritableStream): Logger {
  return createLogger({
    level: config.logLevel,
    secrets: [config.upstream.apiKey, ...config.auth.tokens.keys()],
    destination,
  });
}

/**
 * Says once per `intervalMs` that a shared dependency failed and the gateway carries on
 * without it; a flapping Redis must not flood the logs.
 */
export function createDegradationReporter(logger: Logger, what: string, intervalMs = 30_000) {
  let lastReport = 0;
  return (error: unknown) => {
    const now = Date.now();
    if (now - lastReport < intervalMs) return;
    lastReport = now;
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      `${what} unavailable; continuing on the in-memory path`,
    );
  };
}
