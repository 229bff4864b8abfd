/** What a test sends through the typed client, and what its handler answers. */
export type FakeRequest = { body?: unknown; params?: { path?: Record<string, string>; query?: Record<string, unknown> } };
export type FakeReply = { status?: number; body?: unknown; headers?: Record<string, string> };

/**
 * A stand-in for the server behind the platform's typed client, for an app's component tests
 * (`vi.mock` puts `api` in the client's place): a handler per `METHOD path`, and the requests it
 * was sent. It imports no runtime code: the mock's factory loads it while the client is being mocked.
 */
export function createFakeApi() {
  const server = {
    routes: new Map<string, (req: FakeRequest) => FakeReply | Promise<FakeReply>>(),
    requests: [] as (FakeRequest & { route: string })[],
    reset() {
      this.routes.clear();
      this.requests.length = 0;
    },
    sent(route: string) {
      return this.requests.filter((r) => r.route === route);
    },
  };
  const answer = (method: string) => async (path: string, req: FakeRequest = {}) => {
    const route = `${method} ${path}`;
    server.requests.push({ route, ...req });
    const handler = server.routes.get(route);
    if (!handler) throw new Error(`fake server: no ${route}`);
    const { status = 200, body, headers } = await handler(req);
    const response = new Response(null, { status, headers });
    return status >= 400 ? { error: body, response } : { data: body, response };
  };
  return { server, api: { GET: answer('GET'), POST: answer('POST'), PUT: answer('PUT'), PATCH: answer('PATCH'), DELETE: answer('DELETE') } };
}
