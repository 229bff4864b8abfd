/**
 * A Replicate model reference as an operator writes it (REPLICATE_IMAGE_MODEL...). Source:
 * provider-apis.md section 1: `POST /v1/models/{owner}/{name}/predictions` runs an official
 * (unversioned) model; `POST /v1/predictions` with `version` runs a version, given as
 * `owner/name:<64 hex>` or the bare 64-hex id. Most community models need the version.
 */
export type ReplicateModel =
  | { kind: 'model'; owner: string; name: string }
  | { kind: 'version'; version: string; model?: string };

const PART = '[a-z0-9][a-z0-9._-]*';
const VERSION = '[0-9a-f]{64}';

/** Parses `owner/name`, `owner/name:version` or a bare version; throws an Error saying which forms are accepted. */
export function parseReplicateModel(ref: string): ReplicateModel {
  const text = ref.trim();
  if (new RegExp(`^${VERSION}$`).test(text)) return { kind: 'version', version: text };
  const versioned = new RegExp(`^(${PART})/(${PART}):(${VERSION})$`, 'i').exec(text);
  if (versioned) return { kind: 'version', version: versioned[3]!.toLowerCase(), model: `${versioned[1]}/${versioned[2]}` };
  const named = new RegExp(`^(${PART})/(${PART})$`, 'i').exec(text);
  if (named) return { kind: 'model', owner: named[1]!, name: named[2]! };
  throw new Error(`"${ref}" is not a Replicate model: use owner/name, owner/name:<64-hex version> or a 64-hex version`);
}

/** The model as written back (for messages and records). */
export function replicateModelName(model: ReplicateModel): string {
  return model.kind === 'model' ? `${model.owner}/${model.name}` : model.model ? `${model.model}:${model.version}` : model.version;
}
