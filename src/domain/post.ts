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

export interface PostPageArgs {
  first?: number | null;
  after?: string | null;
}

/** Refuses what no post list accepts, so the check can run before the insight is paid for. */
export function checkPostPageArgs(args: PostPageArgs): void {
  if (args.first != null && args.first < 0) {
    throw new InvalidArgumentError('first', `first must be zero or more; got ${args.first}`);
  }
  if (args.after != null) postIdOfCursor(args.after);
}

function postIdOfCursor(cursor: string): string {
  const id = /^post:(\d{1,20})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))?.[1];
  if (id === undefined) {
    throw new InvalidArgumentError('after', `after is not a post cursor: ${JSON.stringify(cursor)}`);
  }
  return id;
}

/** Forward Relay pagination over the (at most 50) post IDs of one insight. */
export function paginatePosts(ids: readonly string[], args: PostPageArgs): PostPage {
  checkPostPageArgs(args);
  const start = args.after == null ? 0 : indexAfter(ids, args.after);
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

// Whether the cursor's post is in this list is only known once the insight has answered.
function indexAfter(ids: readonly string[], cursor: string): number {
  const index = ids.indexOf(postIdOfCursor(cursor));
  if (index === -1) {
    throw new InvalidArgumentError(
      'after',
      `after is not a cursor of this post list: ${JSON.stringify(cursor)}`,
    );
  }
  return index + 1;
}
