/**
 * A fal model (endpoint) id as an operator writes it (FAL_IMAGE_MODEL...): `owner/alias` with an
 * optional subpath (`fal-ai/flux/schnell`), or under a namespace (`workflows/owner/alias/...`).
 * Submits go to the whole id; status and result go to the root, without the subpath
 * (`fal-ai/flux/schnell` -> `fal-ai/flux`). Source: provider-apis.md section 2 and fal-js's
 * `parseEndpointId` (namespaces `workflows` and `comfy`).
 */
export interface FalModel {
  /** The whole id, where requests are submitted. */
  id: string;
  /** `owner/alias` (or `namespace/owner/alias`): where a request's status and result are read. */
  root: string;
}

const NAMESPACES = new Set(['workflows', 'comfy']);
const PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses a model id; throws an Error saying what a fal model id looks like. */
export function parseFalModel(ref: string): FalModel {
  const id = ref.trim().replace(/^\/+|\/+$/g, '');
  const parts = id.split('/');
  const rootLength = NAMESPACES.has(parts[0]!) ? 3 : 2;
  if (parts.length < rootLength || !parts.every((p) => PART.test(p))) {
    throw new Error(`"${ref}" is not a fal model id: use owner/alias with an optional path, e.g. fal-ai/flux/schnell`);
  }
  return { id, root: parts.slice(0, rootLength).join('/') };
}
