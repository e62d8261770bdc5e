/** The gateway's log sink: one JSON object a line. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createConsoleLogger(): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    console.log(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields }));
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

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
    logger.warn(`${what} unavailable; continuing on the in-memory path`, {
      error: error instanceof Error ? error.message : String(error),
    });
  };
}
