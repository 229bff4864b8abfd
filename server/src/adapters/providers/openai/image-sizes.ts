/**
 * The sizes each OpenAI image model accepts (API reference, `POST /v1/images/generations`, `size`):
 * GPT image models 1024x1024, 1536x1024, 1024x1536; dall-e-3 1024x1024, 1792x1024, 1024x1792;
 * dall-e-2 256x256, 512x512, 1024x1024. Any other model (a gateway's) is offered the GPT image sizes.
 */
export function sizesFor(model: string): string[] {
  if (model.startsWith('dall-e-2')) return ['256x256', '512x512', '1024x1024'];
  if (model.startsWith('dall-e-3')) return ['1024x1024', '1792x1024', '1024x1792'];
  return ['1024x1024', '1536x1024', '1024x1536'];
}

/** GPT image models always answer base64 and refuse `response_format`; dall-e models (and gateways) take it. */
export const isGptImageModel = (model: string) => model.startsWith('gpt-image');

/**
 * The size nearest to `width` x `height`: the closest aspect ratio (compared as log of the ratio,
 * so 2:1 and 1:2 are equally far from 1:1), then the smallest that covers the request, else the
 * largest. Sizes are `WxH` strings.
 */
export function nearestSize(sizes: string[], width: number, height: number): string {
  const want = Math.log(width / height);
  const scored = sizes.map((s) => {
    const [w, h] = s.split('x').map(Number) as [number, number];
    return { s, w, h, ratio: Math.abs(Math.log(w / h) - want) };
  });
  const best = Math.min(...scored.map((x) => x.ratio));
  const shaped = scored.filter((x) => x.ratio - best < 1e-9).sort((a, b) => a.w * a.h - b.w * b.h);
  return (shaped.find((x) => x.w >= width && x.h >= height) ?? shaped[shaped.length - 1]!).s;
}
