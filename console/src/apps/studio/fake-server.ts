import type { StudioOptions } from './studio-api';

type Request = { body?: unknown; params?: { path?: Record<string, string>; query?: Record<string, unknown> } };
type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };

/**
 * The studio's tests' stand-in for the server behind the platform's typed client (`vi.mock` puts
 * `fakeApi` in its place): a handler per `METHOD path`, and the requests it was sent. It imports
 * no runtime code: the mock's factory loads it while the client is being mocked.
 */
export const fakeServer = {
  routes: new Map<string, (req: Request) => Reply | Promise<Reply>>(),
  requests: [] as (Request & { route: string })[],
  reset() {
    this.routes.clear();
    this.requests.length = 0;
  },
  sent(route: string) {
    return this.requests.filter((r) => r.route === route);
  },
};

const answer = (method: string) => async (path: string, req: Request = {}) => {
  const route = `${method} ${path}`;
  fakeServer.requests.push({ route, ...req });
  const handler = fakeServer.routes.get(route);
  if (!handler) throw new Error(`fake server: no ${route}`);
  const { status = 200, body, headers } = await handler(req);
  const response = new Response(null, { status, headers });
  return status >= 400 ? { error: body, response } : { data: body, response };
};

export const fakeApi = { GET: answer('GET'), POST: answer('POST') };

/** The server's vocabularies, with prices other than the defaults: what the buttons show must come from here. */
export const OPTIONS: StudioOptions = {
  styles: ['photorealistic', 'cinematic'], moods: ['warm', 'mysterious'], cameras: ['wide-shot', 'low-angle'], ratios: ['1:1', '16:9'],
  videoSizes: ['1280x720'], videoSeconds: [4, 8, 12], prices: { prompt: 0, image: 2, video: 7 },
};
