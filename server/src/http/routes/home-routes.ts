import { Hono } from 'hono';

const PAGE = `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>mediaforge</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}a{color:#2459c8}</style></head>
<body><h1>mediaforge</h1>
<p>생성형 미디어 앱 플랫폼이 실행 중입니다. 웹 콘솔은 곧 제공됩니다.</p>
<p lang="en">The generative-media platform is running. The web console is coming.</p>
<ul><li><a href="/docs">API 문서 / API docs</a></li><li><a href="/openapi.json">OpenAPI</a></li><li><a href="/readyz">상태 / readiness</a></li></ul>
</body></html>`;

/** `/`: a page that links to the docs until the console owns it. */
export function homeRoutes() {
  const r = new Hono();
  r.get('/', (c) => c.html(PAGE));
  return r;
}
