import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_WORKFLOWS } from './comfyui-providers';
import { ComfyWorkflowError, fillWorkflow, loadComfyWorkflow, parseComfyWorkflow, titleNames } from './comfy-workflow';
import { comfySeed, frameCount, roundSize } from './workflow-values';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mf-comfy-wf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const node = (class_type: string, inputs: Record<string, unknown>, title?: string) => ({ class_type, inputs, ...(title ? { _meta: { title } } : {}) });

async function file(name: string, content: unknown): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ComfyWorkflowError);
  return (err as Error).message;
}

describe('loadComfyWorkflow', () => {
  it('refuses a workflow without mf_prompt, naming the file and the title to set', async () => {
    const p = await file('no-prompt.json', { 1: node('CLIPTextEncode', { text: 'x', clip: ['2', 1] }, 'Positive'), 2: node('CheckpointLoaderSimple', { ckpt_name: 'a' }) });
    const message = await refusal(loadComfyWorkflow(p));
    expect(message).toContain(p);
    expect(message).toContain('mf_prompt');
    expect(message).toMatch(/set the title of that node to "mf_prompt"/);
  });

  it('refuses the editor format, a file that is not JSON, and a missing file, each naming the file', async () => {
    const editor = await file('editor.json', { last_node_id: 9, nodes: [{ id: 6, type: 'CLIPTextEncode' }], links: [] });
    expect(await refusal(loadComfyWorkflow(editor))).toMatch(/editor format.*Export \(API\)/);
    const broken = await file('broken.json', '{"6": {');
    expect(await refusal(loadComfyWorkflow(broken))).toContain(`${broken} is not JSON`);
    const missing = path.join(dir, 'nope.json');
    expect(await refusal(loadComfyWorkflow(missing))).toContain(`${missing} cannot be read`);
    const notGraph = await file('not-graph.json', { 6: { inputs: {} } });
    expect(await refusal(loadComfyWorkflow(notGraph))).toMatch(/not an API-format graph/);
  });

  it('refuses an unknown mf_ name (a typo), a named node without the input, and an input that is a link', () => {
    const base = { 6: node('CLIPTextEncode', { text: 'x' }, 'mf_prompt') };
    expect(() => parseComfyWorkflow({ ...base, 3: node('KSampler', { seed: 1 }, 'mf_sed') }, 'wf.json')).toThrow(/node 3 \(KSampler, titled "mf_sed"\): unknown name mf_sed/);
    expect(() => parseComfyWorkflow({ ...base, 5: node('EmptyLatentImage', { width: 8 }, 'mf_size') }, 'wf.json')).toThrow(/named mf_size but has no "height" input/);
    expect(() => parseComfyWorkflow({ ...base, 3: node('KSampler', { steps: 20 }, 'mf_seed') }, 'wf.json')).toThrow(/named mf_seed but has none of the inputs seed, noise_seed, value/);
    expect(() => parseComfyWorkflow({ 6: node('CLIPTextEncode', { text: ['9', 0] }, 'mf_prompt') }, 'wf.json')).toThrow(/input "text" is a link from node 9: give the title to that node/);
    expect(() => parseComfyWorkflow({ ...base, 1: node('SaveImage', {}, 'mf_output'), 2: node('SaveImage', {}, 'mf_output') }, 'wf.json')).toThrow(/two nodes are named mf_output/);
    expect(() => parseComfyWorkflow({ ...base, 1: node('LoadImage', { image: 'a.png' }, 'mf_image_2') }, 'wf.json')).toThrow(/mf_image_1 is missing/);
  });

  it('finds the named nodes, several names on one title and one name on several nodes, and fills a copy', () => {
    const wf = parseComfyWorkflow({
      6: node('CLIPTextEncodeSDXL', { text_g: 'g', text_l: 'l', clip: ['4', 1] }, 'mf_prompt'),
      7: node('CLIPTextEncode', { text: 'neg' }, 'mf_negative'),
      55: node('Wan22ImageToVideoLatent', { width: 1280, height: 704, length: 121, vae: ['39', 0] }, 'mf_size, mf_frames'),
      3: node('KSamplerAdvanced', { noise_seed: 1 }, 'mf_seed'),
      4: node('KSamplerAdvanced', { noise_seed: 1 }, 'MF_SEED second pass'),
      56: node('LoadImage', { image: 'example.png' }, 'mf_image'),
      57: node('CreateVideo', { fps: 24, images: ['8', 0] }),
      58: node('SaveVideo', { video: ['57', 0] }, 'mf_output'),
    }, 'wf.json');
    expect(wf.prompt).toEqual([{ node: '6', input: 'text_g' }, { node: '6', input: 'text_l' }]);
    expect(wf.seed.map((s) => s.node)).toEqual(['3', '4']);
    expect(wf.output).toBe('58');
    expect(wf.fps).toBe(24);
    const graph = fillWorkflow(wf, { prompt: 'a fox', seed: 7, width: 832, height: 480, images: ['up.png'], frames: 49 });
    expect(graph['6']!.inputs).toMatchObject({ text_g: 'a fox', text_l: 'a fox', clip: ['4', 1] });
    expect(graph['7']!.inputs.text).toBe('neg');
    expect(graph['55']!.inputs).toMatchObject({ width: 832, height: 480, length: 49, vae: ['39', 0] });
    expect([graph['3']!.inputs.noise_seed, graph['4']!.inputs.noise_seed]).toEqual([7, 7]);
    expect(graph['56']!.inputs.image).toBe('up.png');
    expect(wf.graph['6']!.inputs.text_g).toBe('g'); // the loaded graph is untouched
  });

  it('loads the shipped example workflows', async () => {
    const image = await loadComfyWorkflow(EXAMPLE_WORKFLOWS.image);
    expect(image).toMatchObject({ output: '9', images: [] });
    expect(image.size).toHaveLength(1);
    const video = await loadComfyWorkflow(EXAMPLE_WORKFLOWS.video);
    expect(video).toMatchObject({ output: '58', fps: 24 });
    expect(video.images).toEqual([[{ node: '56', input: 'image' }]]);
    expect(video.frames).toEqual([{ node: '55', input: 'length' }]);
  });
});

describe('workflow values', () => {
  it('reads names from titles, makes seeds ComfyUI takes, rounds sizes and counts 4k+1 frames', () => {
    expect(titleNames('mf_size mf_frames')).toEqual(['mf_size', 'mf_frames']);
    expect(titleNames('Load Checkpoint')).toEqual([]);
    expect(comfySeed(-12.7)).toBe(12);
    expect(comfySeed(Number.NaN)).toBe(0);
    expect(roundSize(1000, 16)).toBe(1008);
    expect(roundSize(3, 16)).toBe(16);
    expect(frameCount(5, 24)).toBe(121);
    expect(frameCount(2, 16)).toBe(33);
    expect(frameCount(0, 16)).toBe(1);
  });
});
