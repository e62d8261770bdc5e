// Hand-written over @graphql-yoga/plugin-csrf-prevention: its refusal names neither the headers
// that would pass nor a code, and a client developer meeting it cannot tell what to send.
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The content types a browser sends cross-site without a CORS preflight. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * A request a foreign page could make without a preflight (a GET, or a form-like POST) must carry
 * one of `headers`, which no such page can set; JSON POSTs are preflighted by the browser already.
 */
export function useCSRFPrevention(headers: readonly string[]): Plugin {
  return {
    onRequestParse({ request }) {
      const contentType = request.headers.get('content-type')?.toLowerCase();
      const preflighted =
        contentType !== undefined && !SIMPLE_CONTENT_TYPES.some((type) => contentType.startsWith(type));
      if (preflighted || headers.some((header) => request.headers.has(header))) return;
      throw createGraphQLError(
        `This request could come from another site: send it as a JSON POST, or add one of these headers: ${headers.map((header) => `${header}: 1`).join(', ')}`,
        { extensions: { code: 'CSRF_PREFLIGHT_REQUIRED', headers, http: { status: 403 } } },
      );
    },
  };
}
