import { createRequire } from 'node:module';
import path from 'node:path';
import type { NsfwScores } from '../../core/media/nsfw-policy';

/** The model's input: an RGB square of this many pixels a side. */
export const NSFW_INPUT_SIZE = 224;

type Classify = (rgb: Uint8Array) => Promise<NsfwScores>;

const require = createRequire(import.meta.url);

/**
 * nsfwjs's MobileNetV2 on TensorFlow.js's WebAssembly backend, entirely offline: the model ships
 * inside the npm package as JS bundles and the wasm binaries inside @tensorflow/tfjs-backend-wasm.
 * 50-100 ms an image on one core (the pure-JS backend takes near a second). Loaded on the first
 * call (about 1 s with the TensorFlow.js import, ~200 MB resident), so a process that never
 * screens an image pays nothing.
 */
export class NsfwClassifier {
  private loading: Promise<Classify> | null = null;

  /** Scores of one image given as raw RGB, NSFW_INPUT_SIZE square (length 224*224*3). */
  async scores(rgb: Uint8Array): Promise<NsfwScores> {
    if (rgb.length !== NSFW_INPUT_SIZE * NSFW_INPUT_SIZE * 3) throw new RangeError(`expected ${NSFW_INPUT_SIZE}x${NSFW_INPUT_SIZE} RGB, got ${rgb.length} bytes`);
    this.loading ??= loadClassifier();
    try {
      return await (await this.loading)(rgb);
    } catch (err) {
      this.loading = null;
      throw err;
    }
  }
}

async function loadClassifier(): Promise<Classify> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not start');
  const { load } = await import('nsfwjs/core');
  // The bundles are CommonJS: required by path they load in a fraction of the time an ESM import
  // of their 3.5 MB string takes through interop.
  const dir = path.join(path.dirname(require.resolve('nsfwjs')), '../models/mobilenet_v2');
  const model = {
    name: 'MobileNetV2' as const,
    numOfWeightBundles: 1,
    modelJson: async () => ({ default: require(path.join(dir, 'model.min.js')) }),
    weightBundles: [async () => ({ default: require(path.join(dir, 'group1-shard1of1.min.js')) as string })],
  };
  const quiet = console.info;
  console.info = () => {}; // load() announces itself on stdout
  let nsfw;
  try {
    nsfw = await load('MobileNetV2', { modelDefinitions: [model] });
  } finally {
    console.info = quiet;
  }
  return async (rgb) => {
    const input = tf.tensor3d(rgb, [NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, 3], 'int32');
    try {
      const out = await nsfw.classify(input, 5);
      const s: NsfwScores = { drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0 };
      for (const p of out) s[p.className.toLowerCase() as keyof NsfwScores] = p.probability;
      return s;
    } finally {
      input.dispose();
    }
  };
}
