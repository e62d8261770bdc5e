// Hand-written: no dependency here negotiates Accept-Encoding, and two codings need a few lines.
import type { Encoding } from './asset-files.js';

/** Brotli over gzip when the client takes either (RFC 9110 §12.5.3: q=0 means "not acceptable"). */
export function preferredEncoding(header: string | null): Encoding | undefined {
  const accepted = new Map<string, number>();
  for (const entry of (header ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim());
    const q = params.find((param) => param.startsWith('q='));
    if (name) accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const weight = (encoding: Encoding) => accepted.get(encoding) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  return weight('gzip') > 0 ? 'gzip' : undefined;
}
