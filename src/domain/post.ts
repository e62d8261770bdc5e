import { InvalidArgumentError } from './invalid-argument-error.js';

/** A TikTok post referenced by a category insight. */
export interface Post {
  readonly id: string;
  readonly createdAt: Date;
  readonly url: string;
}

/** A TikTok ID carries its creation time: the top 32 bits are Unix seconds. */
export function toPost(id: string): Post {
  return {
    id,
    createdAt: new Date(Number(BigInt(id) >> 32n) * 1000),
    // TikTok resolves a video URL without the author's handle.
    url: `https://www.tiktok.com/@/video/${id}`,
  };
}

/** A post by its ID alone, as a federation reference names it: digits, like every TikTok ID. */
export function postById(id: unknown): Post {
  if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) {
    throw new InvalidArgumentError(
      'id',
      `id must be a TikTok post ID made of digits; got ${JSON.stringify(id)}`,
    );
  }
  return toPost(id);
}

export interface PostPage {
  readonly edges: ReadonlyArray<{ cursor: string; node: Post }>;
  readonly pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  readonly totalCount: number;
}

/** Cursors name the post, not its position, so a page boundary survives a refreshed list. */
export function postCursor(id: string): string {
  return Buffer.from(`post:${id}`).toString('base64url');
}

/** Forward Relay pagination over the (at most 50) post IDs of one insight. */
export function paginatePosts(
  ids: readonly string[],
  args: { first?: number | null; after?: string | null },
): PostPage {
  if (args.first != null && args.first < 0) {
    throw new InvalidArgumentError('first', `first must be zero or more; got ${args.first}`);
  }
  let start = 0;
  if (args.after != null) {
    const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
    const index = decoded.startsWith('post:') ? ids.indexOf(decoded.slice('post:'.length)) : -1;
    if (index === -1) {
      throw new InvalidArgumentError(
        'after',
        `after is not a cursor of this post list: ${JSON.stringify(args.after)}`,
      );
    }
    start = index + 1;
  }
  const end = args.first == null ? ids.length : Math.min(ids.length, start + args.first);
  const edges = ids.slice(start, end).map((id) => ({ cursor: postCursor(id), node: toPost(id) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: end < ids.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: ids.length,
  };
}
