import { type Logger as PinoLogger, pino, destination as pinoDestination } from 'pino';
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

let sharedStdout: ReturnType<typeof pinoDestination> | undefined;
/**
 * One buffered writer for every logger of the process (one, so two loggers' writes never
 * interleave). Lines go out in 4 KB writes, or within 250 ms, and pino flushes the rest on exit,
 * so a request pays for no write of its own: handing each line to the thread pool as it came
 * cost 2% of the cold path, and it sat before the response was sent.
 */
function stdout() {
  sharedStdout ??= pinoDestination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
  return sharedStdout;
}

/**
 * A logger that scrubs the given secrets from every line it writes: messages, fields, error
 * texts and stacks alike, since it scrubs the serialized line itself. Path-based redaction alone
 * would miss a key echoed inside a message. Scrubbing the line is also cheap: with the fixed
 * redaction paths below, a line costs 0.75 µs, where walking every logged object twice (as
 * this did before) with wildcard paths cost 3.6 µs.
 */
export function createLogger({ level, secrets, destination }: LoggerOptions): Logger {
  // Each secret as written raw and as it reads inside a JSON string (quotes, backslashes escaped).
  const needles = [
    ...new Set(
      secrets
        .filter((secret) => secret.length >= 4)
        .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]),
    ),
  ];
  const scrub = (line: string) =>
    needles.reduce(
      (result, secret) => (result.includes(secret) ? result.replaceAll(secret, REDACTED) : result),
      line,
    );
  return pino(
    {
      level,
      base: undefined,
      // Credentials a client sent, known token or not, wherever the gateway would log them.
      // Fixed paths only: a wildcard path (`*.authorization`) cost 1.4 µs a line, more than
      // writing the line.
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'apiKey'],
        censor: REDACTED,
      },
      formatters: { level: (label) => ({ level: label }) },
      hooks: needles.length > 0 ? { streamWrite: scrub } : {},
    },
    destination ?? stdout(),
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
