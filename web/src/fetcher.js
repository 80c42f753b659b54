// A same-origin GraphQL-over-HTTP fetcher: POST /graphql with JSON, asking for
// application/graphql-response+json first. No subscriptions, no websockets,
// no other host: the page talks only to the server that sent it.

/** The endpoint, on the page's own origin. */
export const ENDPOINT = '/graphql';

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
      operationName: params.operationName ?? undefined,
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
