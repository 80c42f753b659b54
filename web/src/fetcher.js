// A same-origin GraphQL-over-HTTP fetcher: POST /graphql with JSON, asking for
// application/graphql-response+json first. No subscriptions, no websockets,
// no other host: the page talks only to the server that sent it.
import { parse } from 'graphql';

/** The endpoint, on the page's own origin. */
export const ENDPOINT = '/graphql';

/**
 * operationNameFor returns the operation name to send. GraphiQL keeps a tab's
 * last operation name for a moment after the text changes (replace a named
 * query by `{ stats { nodes } }` and run it at once, and it still sends the old
 * name, which the server rightly refuses). A name that the document does not
 * define is dropped when the document has a single operation.
 */
export function operationNameFor(query, name) {
  if (!name) return undefined;
  let ops;
  try {
    ops = parse(query).definitions.filter((d) => d.kind === 'OperationDefinition');
  } catch {
    return name; // let the server report the syntax error
  }
  if (ops.some((d) => d.name?.value === name)) return name;
  return ops.length === 1 ? undefined : name;
}

/**
 * fetcher is GraphiQL's Fetcher: it sends one operation and resolves with the
 * response body. A non-JSON body (a proxy error page, say) becomes a GraphQL
 * style error so the result pane shows what happened instead of failing.
 */
export async function fetcher(params, opts = {}) {
  const headers = {
    ...(opts.headers || {}),
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json',
  };
  const res = await fetch(ENDPOINT, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: JSON.stringify({
      query: params.query,
      variables: params.variables ?? undefined,
      operationName: operationNameFor(params.query, params.operationName),
    }),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return {
      errors: [
        {
          message: `HTTP ${res.status} ${res.statusText}: response is not JSON`,
          extensions: { status: res.status, body: text.slice(0, 2000) },
        },
      ],
    };
  }
}
