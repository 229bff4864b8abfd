import type { Config } from '../config/config';
import { type Capability, type ProviderName, providerLists } from '../config/provider-env';
import type { Clock } from '../core/ports/clock';
import type { MediaToolkit } from '../core/ports/media';
import type { ModerationProvider, PredictionCapability, PredictionProvider, Providers } from '../core/ports/providers';
import type { ObjectStorage } from '../core/ports/storage';
import { EXAMPLE_WORKFLOWS, createComfyUiProviders } from '../adapters/providers/comfyui/comfyui-providers';
import { createFalProviders } from '../adapters/providers/fal/fal-providers';
import { OutputCopies } from '../adapters/providers/http/output-copies';
import {
  createOpenAIImageProvider, createOpenAIModerationProvider, createOpenAITextProvider, createOpenAIVideoProvider, type OpenAIOptions,
} from '../adapters/providers/openai/openai-providers';
import { createReplicateProviders } from '../adapters/providers/replicate/replicate-providers';
import { createRunpodProviders } from '../adapters/providers/runpod/runpod-providers';
import { RoutedModeration } from '../adapters/providers/routing/routed-moderation';
import { RoutedProvider } from '../adapters/providers/routing/routed-provider';
import type { FfmpegRunner } from '../adapters/media/ffmpeg-runner';
import { parseStubFail } from '../adapters/providers/stub/failure-injection';
import { createStubProviders } from '../adapters/providers/stub/stub-providers';

/** Where a capability's providers are listed, in order (the admin's view of the routing). */
export type ProviderRoutes = Record<Capability, ProviderName[]>;

export interface OpenedProviders {
  providers: Providers;
  routes: ProviderRoutes;
}

/**
 * The providers of every capability as the environment lists them (README, "Providers"): each
 * list's adapters in order behind a router that fails over on retryable errors and open circuits;
 * a list of one is that adapter alone. Only the providers some list names are built, so a provider
 * without credentials is never touched (env.ts already refused a list that names one).
 * Throws an Error naming the variable when a provider's settings cannot serve (a bad model id, a
 * ComfyUI workflow without its named nodes).
 */
export async function openProviders(
  config: Config,
  deps: { storage: ObjectStorage; media: MediaToolkit; ffmpeg: FfmpegRunner; clock: Clock },
): Promise<OpenedProviders> {
  const { env } = config;
  const routes = providerLists(env);
  const named = new Set(Object.values(routes).flat());
  const copies = new OutputCopies(deps.storage);
  // Webhooks need an address the provider can reach; without PUBLIC_URL, polling alone completes calls.
  const webhookUrl = (provider: string) => (env.PUBLIC_URL ? `${config.publicUrl}/webhooks/${provider}` : undefined);

  const built: Partial<Record<ProviderName, Partial<Providers>>> = {};
  if (named.has('stub')) {
    built.stub = createStubProviders({
      ffmpeg: deps.ffmpeg, latencyMs: env.STUB_LATENCY_MS, failWhen: parseStubFail(env.STUB_FAIL), soleProcess: config.mode.database === 'pglite',
    });
  }
  if (named.has('openai')) {
    const openai: OpenAIOptions = {
      apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, textModel: env.OPENAI_TEXT_MODEL, textTemperature: env.OPENAI_TEXT_TEMPERATURE,
      imageModel: env.OPENAI_IMAGE_MODEL, videoModel: env.OPENAI_VIDEO_MODEL, moderationModel: env.OPENAI_MODERATION_MODEL,
    };
    const media = deps.media;
    built.openai = {
      text: createOpenAITextProvider(openai, { copies }),
      image: createOpenAIImageProvider(openai, { copies, media }),
      video: createOpenAIVideoProvider(openai, { copies, media }),
      moderation: createOpenAIModerationProvider(openai),
    };
  }
  if (named.has('replicate')) {
    built.replicate = createReplicateProviders({
      apiToken: env.REPLICATE_API_TOKEN!, baseUrl: env.REPLICATE_BASE_URL, webhookUrl: webhookUrl('replicate'), cancelAfter: env.REPLICATE_CANCEL_AFTER,
      models: { image: env.REPLICATE_IMAGE_MODEL, video: env.REPLICATE_VIDEO_MODEL, music: env.REPLICATE_MUSIC_MODEL },
      inputs: { image: env.REPLICATE_IMAGE_INPUT, video: env.REPLICATE_VIDEO_INPUT, music: env.REPLICATE_MUSIC_INPUT },
      copies, media: deps.media,
    });
  }
  if (named.has('fal')) {
    built.fal = createFalProviders({
      key: env.FAL_KEY!, baseUrl: env.FAL_BASE_URL, webhookUrl: webhookUrl('fal'),
      models: { image: env.FAL_IMAGE_MODEL, video: env.FAL_VIDEO_MODEL, music: env.FAL_MUSIC_MODEL },
      inputs: { image: env.FAL_IMAGE_INPUT, video: env.FAL_VIDEO_INPUT, music: env.FAL_MUSIC_INPUT },
      copies, media: deps.media,
    });
  }
  if (named.has('comfyui')) {
    built.comfyui = await createComfyUiProviders({
      url: env.COMFYUI_URL!, apiKey: env.COMFYUI_API_KEY, negativePrompt: env.COMFYUI_NEGATIVE_PROMPT, videoFps: env.COMFYUI_VIDEO_FPS,
      // The shipped example graphs stand in for a capability the operator gave no workflow for.
      imageWorkflow: routes.image.includes('comfyui') ? env.COMFYUI_IMAGE_WORKFLOW ?? EXAMPLE_WORKFLOWS.image : undefined,
      videoWorkflow: routes.video.includes('comfyui') ? env.COMFYUI_VIDEO_WORKFLOW ?? EXAMPLE_WORKFLOWS.video : undefined,
      copies, media: deps.media,
    });
  }

  if (named.has('runpod')) {
    // No webhookUrl: Runpod's webhooks are not signed, so polling alone completes its calls.
    built.runpod = createRunpodProviders({
      apiKey: env.RUNPOD_API_KEY!, baseUrl: env.RUNPOD_BASE_URL, imageOpsEndpoint: env.RUNPOD_IMAGE_OPS_ENDPOINT!, copies, media: deps.media,
    });
  }

  const pick = <C extends Capability>(cap: C): NonNullable<Providers[C]>[] =>
    routes[cap].map((name) => {
      const p = built[name]?.[cap];
      if (!p) throw new Error(`${name} cannot serve ${cap}`);
      return p as NonNullable<Providers[C]>;
    });
  const routed = <C extends PredictionCapability>(cap: C): Providers[C] => {
    const list = pick(cap) as PredictionProvider<unknown, unknown>[];
    return (list.length === 1 ? list[0] : new RoutedProvider(cap, list, { clock: deps.clock })) as Providers[C];
  };
  const moderation = pick('moderation') as ModerationProvider[];
  return {
    routes,
    providers: {
      text: routed('text'),
      image: routed('image'),
      video: routed('video'),
      music: routed('music'),
      imageOps: routed('imageOps'),
      moderation: moderation.length === 1 ? moderation[0]! : new RoutedModeration(moderation, { clock: deps.clock }),
    },
  };
}
