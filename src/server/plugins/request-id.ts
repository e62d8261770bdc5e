import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const ids = new WeakMap<Request, string>();
/** A caller's own request ID is kept when it looks like one; anything else is replaced. */
const ACCEPTABLE = /^[\w.:-]{1,128}$/;

/** The request's ID: the caller's `x-request-id` if sane, else a new UUID. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) {
    const given = request.headers.get('x-request-id');
    id = given && ACCEPTABLE.test(given) ? given : randomUUID();
    ids.set(request, id);
  }
  return id;
}

/** Echoes the request ID on every response, so a client can quote it in a bug report. */
export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}
