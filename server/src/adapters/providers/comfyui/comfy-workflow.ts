import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * A ComfyUI workflow in the API format ("Export (API)" in ComfyUI's menu, or "Save (API Format)"
 * with dev mode on): `{<node id>: {class_type, inputs, _meta: {title}}}`, where an input is a
 * value or a link `[<node id>, <output index>]`. Source: ComfyUI `server.py` POST /prompt and
 * `script_examples/basic_api_example.py`.
 *
 * The operator names the nodes the adapter fills by their title (`_meta.title`), one or more names
 * per title separated by spaces or commas (`mf_size mf_frames` on a Wan latent node):
 *
 * | name | node (example) | what the adapter sets |
 * |---|---|---|
 * | `mf_prompt` (required) | CLIPTextEncode | every text input it has of `text`, `text_g`, `text_l`, `clip_l`, `t5xxl`, `prompt`, `value` |
 * | `mf_negative` | CLIPTextEncode | the same inputs, to the configured negative prompt (left as in the file when none is configured) |
 * | `mf_seed` | KSampler, KSamplerAdvanced, RandomNoise | `seed`, else `noise_seed`, else `value` |
 * | `mf_size` | EmptyLatentImage, Wan22ImageToVideoLatent | `width` and `height` (rounded to the size multiple) |
 * | `mf_image`, `mf_image_2`... | LoadImage | `image`: the uploaded reference (image) or first frame (video) |
 * | `mf_frames` | Wan22ImageToVideoLatent, SVD_img2vid_Conditioning | `length`, else `video_frames`, `num_frames`, `frames`, `frame_count`, `batch_size`, `value` |
 * | `mf_duration` | a node that takes seconds | `duration`, else `seconds`, `duration_sec`, `value` |
 * | `mf_output` | SaveImage, SaveVideo, SaveWEBM, VHS_VideoCombine | nothing: its output file is the result (else the first node with files) |
 *
 * A name may sit on several nodes (two samplers of a Wan 2.2 A14B graph both titled `mf_seed`);
 * every one is set. An input that is a link cannot be set (the value comes from another node): the
 * load refuses it, saying to title that other node instead.
 */
export const WORKFLOW_NAMES = ['mf_prompt', 'mf_negative', 'mf_seed', 'mf_size', 'mf_image', 'mf_frames', 'mf_duration', 'mf_output'] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

/** Inputs each name sets, in order of preference; `all` sets every one present, `first` the first. */
const INPUTS: Record<Exclude<WorkflowName, 'mf_output' | 'mf_size'>, { keys: string[]; pick: 'all' | 'first' }> = {
  mf_prompt: { keys: ['text', 'text_g', 'text_l', 'clip_l', 't5xxl', 'prompt', 'value'], pick: 'all' },
  mf_negative: { keys: ['text', 'text_g', 'text_l', 'clip_l', 't5xxl', 'prompt', 'value'], pick: 'all' },
  mf_seed: { keys: ['seed', 'noise_seed', 'value'], pick: 'first' },
  mf_image: { keys: ['image'], pick: 'first' },
  mf_frames: { keys: ['length', 'video_frames', 'num_frames', 'frames', 'frame_count', 'batch_size', 'value'], pick: 'first' },
  mf_duration: { keys: ['duration', 'seconds', 'duration_sec', 'value'], pick: 'first' },
};

/** Frame-rate inputs of save nodes: SaveAnimatedWEBP, SaveWEBM, CreateVideo (`fps`), VHS_VideoCombine (`frame_rate`). */
const FPS_KEYS = ['fps', 'frame_rate'];

export interface ComfyNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
  [extra: string]: unknown;
}

export type ComfyGraph = Record<string, ComfyNode>;

/** One input the adapter sets: node id and input name. */
export interface InputSlot {
  node: string;
  input: string;
}

export interface ComfyWorkflow {
  /** The file it was read from, for messages. */
  file: string;
  graph: ComfyGraph;
  prompt: InputSlot[];
  negative: InputSlot[];
  seed: InputSlot[];
  /** Pairs of width and height slots. */
  size: { width: InputSlot; height: InputSlot }[];
  /** Reference images in order: `mf_image` is the first, `mf_image_2` the second... */
  images: InputSlot[][];
  frames: InputSlot[];
  duration: InputSlot[];
  /** The node whose output file is the result, when one is titled `mf_output`. */
  output?: string;
  /** The frame rate the graph saves at, read from its save node (`fps`/`frame_rate`), when it says. */
  fps?: number;
}

/** A workflow file that cannot be used; the message names the file and what is wrong. */
export class ComfyWorkflowError extends Error {
  override readonly name = 'ComfyWorkflowError';
}

const Node = z.object({
  class_type: z.string().min(1),
  inputs: z.record(z.string(), z.unknown()),
  _meta: z.object({ title: z.string().optional() }).loose().optional(),
}).loose();
const Graph = z.record(z.string(), Node);

/**
 * Reads and checks a workflow file: API format, every `mf_` name known, each named node has the
 * inputs its name sets (and they are values, not links), and the `required` names are there.
 * Throws ComfyWorkflowError naming the file, the node and the title.
 */
export async function loadComfyWorkflow(file: string, required: WorkflowName[] = ['mf_prompt']): Promise<ComfyWorkflow> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ComfyWorkflowError(`ComfyUI workflow ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ComfyWorkflowError(`ComfyUI workflow ${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return parseComfyWorkflow(json, file, required);
}

/** As loadComfyWorkflow, for a graph already parsed (`file` names it in messages). */
export function parseComfyWorkflow(json: unknown, file: string, required: WorkflowName[] = ['mf_prompt']): ComfyWorkflow {
  const fail = (why: string): never => {
    throw new ComfyWorkflowError(`ComfyUI workflow ${file}: ${why}`);
  };
  if (json && typeof json === 'object' && Array.isArray((json as { nodes?: unknown }).nodes)) {
    fail('this is the editor format (it has "nodes" and "links"); export it in the API format instead (Workflow > Export (API))');
  }
  const parsed = Graph.safeParse(json);
  if (!parsed.success) fail(`not an API-format graph of {node id: {class_type, inputs}}: ${z.prettifyError(parsed.error).split('\n').slice(0, 3).join('; ')}`);
  const graph = parsed.data as ComfyGraph;
  if (Object.keys(graph).length === 0) fail('the graph has no nodes');

  const wf: ComfyWorkflow = { file, graph, prompt: [], negative: [], seed: [], size: [], images: [], frames: [], duration: [] };
  const where = (id: string) => `node ${id} (${graph[id]!.class_type}, titled "${graph[id]!._meta?.title}")`;
  const slots = (id: string, name: Exclude<WorkflowName, 'mf_output' | 'mf_size'>): InputSlot[] => {
    const { keys, pick } = INPUTS[name];
    const inputs = graph[id]!.inputs;
    const present = keys.filter((k) => k in inputs);
    if (present.length === 0) fail(`${where(id)} is named ${name} but has none of the inputs ${keys.join(', ')}`);
    const chosen = pick === 'all' ? present : present.slice(0, 1);
    for (const k of chosen) {
      if (isLink(inputs[k])) fail(`${where(id)} is named ${name} but its input "${k}" is a link from node ${(inputs[k] as unknown[])[0]}: give the title to that node instead`);
    }
    return chosen.map((input) => ({ node: id, input }));
  };

  for (const [id, node] of Object.entries(graph)) {
    for (const word of titleNames(node._meta?.title)) {
      const image = /^mf_image(?:_(\d+))?$/.exec(word);
      if (image) {
        const index = image[1] ? Number(image[1]) - 1 : 0;
        if (index < 0 || index > 15) fail(`${where(id)}: ${word} is out of range (mf_image, mf_image_2 ... mf_image_16)`);
        (wf.images[index] ??= []).push(...slots(id, 'mf_image'));
        continue;
      }
      switch (word as WorkflowName) {
        case 'mf_prompt': wf.prompt.push(...slots(id, 'mf_prompt')); break;
        case 'mf_negative': wf.negative.push(...slots(id, 'mf_negative')); break;
        case 'mf_seed': wf.seed.push(...slots(id, 'mf_seed')); break;
        case 'mf_frames': wf.frames.push(...slots(id, 'mf_frames')); break;
        case 'mf_duration': wf.duration.push(...slots(id, 'mf_duration')); break;
        case 'mf_size': {
          for (const k of ['width', 'height']) {
            if (!(k in node.inputs)) fail(`${where(id)} is named mf_size but has no "${k}" input`);
            if (isLink(node.inputs[k])) fail(`${where(id)} is named mf_size but its input "${k}" is a link: give the title to the node it comes from`);
          }
          wf.size.push({ width: { node: id, input: 'width' }, height: { node: id, input: 'height' } });
          break;
        }
        case 'mf_output':
          if (wf.output !== undefined) fail(`two nodes are named mf_output (${wf.output} and ${id}): name one`);
          wf.output = id;
          break;
        default:
          fail(`${where(id)}: unknown name ${word} (known: ${WORKFLOW_NAMES.join(', ')}, mf_image_2...)`);
      }
    }
  }
  for (const [i, slot] of wf.images.entries()) if (!slot) fail(`mf_image_${i + 1} is missing while a later image is named: number them without gaps`);
  for (const name of required) {
    const found = name === 'mf_image' ? wf.images.length > 0 : name === 'mf_output' ? wf.output !== undefined : wf[FIELD[name]].length > 0;
    if (!found) fail(`no node is titled ${name}${name === 'mf_prompt' ? ' (the text encode node that takes the prompt)' : ''}; set the title of that node to "${name}" in ComfyUI and export the API format again`);
  }
  wf.fps = frameRate(graph, wf.output);
  return wf;
}

const FIELD: Record<Exclude<WorkflowName, 'mf_image' | 'mf_output'>, 'prompt' | 'negative' | 'seed' | 'size' | 'frames' | 'duration'> = {
  mf_prompt: 'prompt', mf_negative: 'negative', mf_seed: 'seed', mf_size: 'size', mf_frames: 'frames', mf_duration: 'duration',
};

/** What a submit sets in the graph; absent fields leave the file's values. */
export interface WorkflowValues {
  prompt: string;
  negative?: string;
  seed?: number;
  width?: number;
  height?: number;
  /** Names ComfyUI gave the uploaded images (`/upload/image` answers), in mf_image order. */
  images?: string[];
  frames?: number;
  durationSec?: number;
}

/** A copy of the workflow's graph with the named inputs set. */
export function fillWorkflow(wf: ComfyWorkflow, values: WorkflowValues): ComfyGraph {
  const graph = structuredClone(wf.graph);
  const set = (slots: InputSlot[], value: unknown) => {
    if (value === undefined) return;
    for (const s of slots) graph[s.node]!.inputs[s.input] = value;
  };
  set(wf.prompt, values.prompt);
  set(wf.negative, values.negative);
  set(wf.seed, values.seed);
  for (const s of wf.size) {
    set([s.width], values.width);
    set([s.height], values.height);
  }
  for (const [i, slots] of wf.images.entries()) set(slots, values.images?.[i]);
  set(wf.frames, values.frames);
  set(wf.duration, values.durationSec);
  return graph;
}

/** The `mf_` names in a title: `mf_size mf_frames` or `mf_size, mf_frames`. */
export function titleNames(title: string | undefined): string[] {
  return (title ?? '').split(/[\s,]+/).map((w) => w.toLowerCase()).filter((w) => w.startsWith('mf_'));
}

function isLink(v: unknown): boolean {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

/** The save node's frame rate: mf_output's, else the first node with a numeric fps/frame_rate. */
function frameRate(graph: ComfyGraph, output: string | undefined): number | undefined {
  const of = (node: ComfyNode | undefined) => {
    for (const k of FPS_KEYS) {
      const v = node?.inputs[k];
      if (typeof v === 'number' && v > 0) return v;
    }
    return undefined;
  };
  return of(output ? graph[output] : undefined) ?? Object.values(graph).map(of).find((v) => v !== undefined);
}
