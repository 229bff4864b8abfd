import type { Context } from 'hono';

/**
 * A JSON body rendered once per object: job reads are served from cached details, so polling
 * clients get the same string until the job changes and its detail is loaded again.
 */
export function renderedOnce<T extends object>(render: (value: T) => unknown): (value: T) => string {
  const bodies = new WeakMap<T, string>();
  return (value) => {
    let body = bodies.get(value);
    if (body === undefined) bodies.set(value, (body = JSON.stringify(render(value))));
    return body;
  };
}

/** A 200 with a body that is JSON already (the route's declared schema types what was rendered). */
export const jsonBody = (c: Context, body: string) => c.body(body, 200, { 'content-type': 'application/json' }) as never;
