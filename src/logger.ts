import { type Logger as PinoLogger, pino, destination as pinoDestination } from 'pino';
import type { GatewayConfig } from './config/config.js';
import { traceLogFields } from './telemetry/tracer.js';

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
/** Characters (or bytes) of a secret in a row that count as a leak of it. */
const MIN_RUN = 16;
/** Windows start this far apart, so any run of MIN_RUN + RUN_STEP - 1 units holds one. */
const RUN_STEP = 4;

/** A secret as one encoding writes it: one string per character or byte, in order. */
type Form = readonly string[];

const hex = (byte: number) => byte.toString(16).padStart(2, '0');
const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** The encodings a secret may reach a log line in; short secrets only as themselves. */
function formsOf(secret: string): Form[] {
  const chars = [...secret];
  const forms: Form[] = [chars, chars.map((char) => JSON.stringify(char).slice(1, -1))];
  if (chars.length < MIN_RUN) return forms;
  const bytes = Buffer.from(secret);
  forms.push(
    chars.map(encodeURIComponent),
    [...bytes].map((byte) => `%${hex(byte)}`),
    [...bytes].map(hex),
  );
  // Base64 of any text around the secret: its bytes start at one of three alignments, and the
  // groups made of its bytes alone read the same whatever surrounds them.
  for (const skip of [0, 1, 2]) {
    const aligned = bytes.subarray(skip);
    const whole = aligned.subarray(0, aligned.length - (aligned.length % 3));
    forms.push([whole.toString('base64')], [whole.toString('base64url')]);
  }
  return forms;
}

interface Window {
  /** A run of MIN_RUN units of a form, as a pattern. */
  window: string;
  /** The window widened to the whole run around it: up to RUN_STEP - 1 units before, the rest after. */
  run: string;
}

/** The windows of a form, every RUN_STEP units and at its end; a short form is one window. */
function windowsOf(form: Form): Window[] {
  const units = form.map(escapeRegExp);
  const length = Math.min(MIN_RUN, units.length);
  const starts = new Set<number>();
  for (let start = 0; start + length <= units.length; start += RUN_STEP) starts.add(start);
  starts.add(units.length - length);
  return [...starts].map((start) => {
    const window = units.slice(start, start + length).join('');
    const before = units
      .slice(Math.max(0, start - RUN_STEP + 1), start)
      .reduce((chain, unit) => `(?:${chain}${unit})?`, '');
    const after = units.slice(start + length).reduceRight((chain, unit) => `(?:${unit}${chain})?`, '');
    return { window, run: `${before}${window}${after}` };
  });
}

export interface SecretPatterns {
  /** Any window of any secret: the cheap test every line pays. */
  probe: RegExp;
  /** Each whole run around a window, for the rare line the probe flags. */
  runs: RegExp;
}

/**
 * Case-insensitive patterns for every secret of at least 4 characters in every form
 * {@link formsOf} lists, or undefined when there is none. Two, because the optional units
 * before a window make a pattern try them at every position of every line.
 */
export function secretPatterns(secrets: readonly string[]): SecretPatterns | undefined {
  const windows = secrets
    .filter((secret) => secret.length >= 4)
    .flatMap((secret) => formsOf(secret).flatMap(windowsOf));
  if (windows.length === 0) return undefined;
  const alternatives = (parts: string[]) => [...new Set(parts)].join('|');
  return {
    probe: new RegExp(alternatives(windows.map(({ window }) => window)), 'i'),
    runs: new RegExp(alternatives(windows.map(({ run }) => run)), 'gi'),
  };
}

/** Whether a text carries any of the secrets in a form the logger scrubs (for metric labels, say). */
export function containsSecret(secrets: readonly string[]): (text: string) => boolean {
  const probe = secretPatterns(secrets)?.probe;
  return (text) => probe?.test(text) ?? false;
}

let sharedStdout: ReturnType<typeof pinoDestination> | undefined;
/**
 * One buffered writer for every logger of the process, so two loggers' writes never interleave.
 * Lines go out in 4 KB writes or within 250 ms, and pino flushes the rest on exit: a request
 * never waits on a write of its own.
 */
function stdout() {
  sharedStdout ??= pinoDestination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
  return sharedStdout;
}

/**
 * A logger that scrubs the given secrets from every line it writes: messages, fields, error
 * texts and stacks alike, since it scrubs the serialized line itself; in any letter case, cut to
 * a run of MIN_RUN characters or more, or encoded as {@link formsOf} lists. Path-based redaction
 * alone would miss a key echoed inside a message. A line without a secret costs one probe.
 */
export function createLogger({ level, secrets, destination }: LoggerOptions): Logger {
  const patterns = secretPatterns(secrets);
  const scrub = (line: string) => (patterns?.probe.test(line) ? line.replace(patterns.runs, REDACTED) : line);
  return pino(
    {
      level,
      base: undefined,
      // Credentials a client sent, known token or not, wherever the gateway would log them.
      // Fixed paths only: a wildcard path costs more than writing the line.
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'apiKey'],
        censor: REDACTED,
      },
      formatters: { level: (label) => ({ level: label }) },
      // `traceId` and `spanId` on lines written inside a traced context; outside one, the line as it was.
      mixin: traceLogFields as () => object,
      mixinMergeStrategy: (line, fields) => (fields ? Object.assign(fields, line) : line),
      hooks: patterns ? { streamWrite: scrub } : {},
    },
    destination ?? stdout(),
  );
}

/** The gateway's logger: its level from the config, its secrets the API key and every client token. */
/** What must never be written anywhere: the KeyAPI key and every client token. */
export function gatewaySecrets(config: GatewayConfig): string[] {
  return [config.upstream.apiKey, ...config.auth.tokens.keys()];
}

export function createGatewayLogger(config: GatewayConfig, destination?: NodeJS.WritableStream): Logger {
  return createLogger({
    level: config.logLevel,
    secrets: gatewaySecrets(config),
    destination,
  });
}
