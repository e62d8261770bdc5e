import { LRUCache } from 'lru-cache';

const REGULAR = ['application/graphql-response+json', 'application/json'] as const;
export type RegularMediaType = (typeof REGULAR)[number];

/** Clients send a handful of distinct Accept headers; this keeps the warm path from re-reading them. */
const known = new LRUCache<string, { chosen: RegularMediaType | undefined }>({ max: 256 });

/**
 * The type yoga answers a single (non-streamed) result in, or undefined where yoga would answer
 * otherwise (an event stream, a multipart response, or 406). Yoga's rule, from its
 * `use-result-processor.js`: of the Accept header's UTF-8 media types, read last to first, the
 * last pair matching one of its JSON types wins; no Accept header means any type.
 */
export function regularMediaType(request: Request): RegularMediaType | undefined {
  const header = request.headers.get('accept') || '*/*';
  const remembered = known.get(header);
  if (remembered) return remembered.chosen;
  let chosen: RegularMediaType | undefined;
  for (const entry of header.replace(/\s/g, '').toLowerCase().split(',').reverse()) {
    const [asked = '', ...params] = entry.split(';');
    const charset = params.find((param) => param.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8') continue;
    for (const offered of REGULAR) if (matches(asked, offered)) chosen = offered;
  }
  known.set(header, { chosen });
  return chosen;
}

function matches(asked: string, offered: string): boolean {
  const [askedType, askedSubtype] = asked.split('/');
  const [type, subtype] = offered.split('/');
  return (askedType === '*' || askedType === type) && (askedSubtype === '*' || askedSubtype === subtype);
}
