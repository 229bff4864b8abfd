import { z } from 'zod';
import { CREDENTIAL_ENV } from '../../core/providers/credential-env';
import { GENRES, LENGTHS, STYLES, type Genre, type Length, type Style } from './mv-options';
import { clipsOf } from './mv-script';
import type { ScriptScene } from './mv-concepts';

/** The character reference's id inside a plan: what every video job's `character_reference` names (seed 002 section 3). */
export const CHARACTER_REF = 'character_ref';

const Provider = { provider: z.string(), api_key_env: z.string().nullable() };

export const CharacterAsset = z.object({ provider: z.string(), asset_id: z.string(), status: z.enum(['submitted', 'ready', 'failed']), prompt: z.string() });
export type CharacterAsset = z.infer<typeof CharacterAsset>;

/** Seed 002 section 3 `media_plan`, with each clip's place in its scene and the music's length besides. */
export const MediaPlan = z.object({
  character_asset_id: z.string(),
  character_job: z.object({
    job_id: z.literal(CHARACTER_REF), ...Provider, type: z.literal('image'), prompt: z.string(), asset_id: z.string(), status: z.enum(['submitted', 'ready', 'failed']),
  }),
  video_jobs: z.array(z.object({
    scene_id: z.string(), part: z.number().int(), start: z.number(), end: z.number(),
    ...Provider, type: z.literal('video'), duration_seconds: z.number(), prompt: z.string(),
    character_reference: z.literal(CHARACTER_REF), character_asset_id: z.string(),
  })),
  music_job: z.object({ ...Provider, prompt: z.string(), duration_seconds: z.number() }),
});
export type MediaPlan = z.infer<typeof MediaPlan>;

// Protective gear the guidelines name, as image models read it: what the character wears.
const GEAR: Record<string, string> = {
  안전모: 'a hard hat', 헬멧: 'a hard hat', 안전화: 'safety boots', 장갑: 'work gloves', 보안경: 'safety goggles', 안전대: 'a safety harness',
  귀마개: 'ear protection', 방진마스크: 'a dust mask', 마스크: 'a mask', 안전조끼: 'a high-visibility vest', 보호구: 'protective gear',
  helmet: 'a hard hat', 'hard hat': 'a hard hat', gloves: 'work gloves', goggles: 'safety goggles', harness: 'a safety harness',
  'safety boots': 'safety boots', vest: 'a high-visibility vest', mask: 'a mask', respirator: 'a respirator', 'ear protection': 'ear protection',
};

/** What the character wears: the gear among the keywords, in their order, else a hard hat and a vest. */
export function gearOf(keywords: readonly string[]): string[] {
  const found = [...new Set(keywords.flatMap((k) => GEAR[k.toLowerCase()] ?? []))];
  return found.length ? found : ['a hard hat', 'a high-visibility vest'];
}

/** The first provider a capability's route tries (a router's name lists them: `fal,replicate`). */
const firstOf = (routeName: string) => routeName.split(',')[0]!.trim();
const providerOf = (routeName: string) => {
  const provider = firstOf(routeName);
  return { provider, api_key_env: CREDENTIAL_ENV[provider] ?? null };
};

export interface PlanInputs {
  /** The plan's character asset id (stable for the job). */
  characterAssetId: string;
  keywords: string[];
  title: string;
  lyrics: string;
  scenes: ScriptScene[];
  styles: Style[];
  genre: Genre;
  length: Length;
  /** The providers' route names (`ctx.providers.image.name`...). */
  routes: { image: string; video: string; music: string };
}

const styleWords = (styles: readonly Style[]) => styles.map((s) => STYLES[s]).join('; ');

/** The character reference's prompt: one worker in the guidelines' gear, in the chosen styles, on a plain background. */
export function characterPrompt(keywords: readonly string[], styles: readonly Style[]): string {
  return `Character reference sheet of one friendly safety-training worker, full body, front view, wearing ${gearOf(keywords).join(', ')}, `
    + `confident and kind expression, plain light background. Style: ${styleWords(styles)}.`;
}

/**
 * STYLE_BIND's plan (seed 002 section 3): the character image (submitted now), one video job per
 * clip of each scene (scenes longer than the longest clip split, MAX_CLIP_SECONDS), each starting
 * from the character reference, and the music. `api_key_env` names the variable, never the key.
 */
export function mediaPlan(p: PlanInputs): { character_asset: CharacterAsset; media_plan: MediaPlan } {
  const prompt = characterPrompt(p.keywords, p.styles);
  const image = providerOf(p.routes.image);
  const video = providerOf(p.routes.video);
  const music = providerOf(p.routes.music);
  const byScene = new Map(p.scenes.map((s) => [s.scene_id, s]));
  return {
    character_asset: { provider: image.provider, asset_id: p.characterAssetId, status: 'submitted', prompt },
    media_plan: {
      character_asset_id: p.characterAssetId,
      character_job: { job_id: CHARACTER_REF, ...image, type: 'image', prompt, asset_id: p.characterAssetId, status: 'submitted' },
      video_jobs: clipsOf(p.scenes).map((clip) => ({
        scene_id: clip.scene_id, part: clip.part, start: clip.start, end: clip.end, ...video, type: 'video' as const, duration_seconds: clip.duration_seconds,
        prompt: `${byScene.get(clip.scene_id)!.description} The same main character as the reference image. Style: ${styleWords(p.styles)}.`,
        character_reference: CHARACTER_REF, character_asset_id: p.characterAssetId,
      })),
      music_job: {
        ...music, duration_seconds: LENGTHS[p.length],
        prompt: `${GENRES[p.genre]}. A ${LENGTHS[p.length]}-second song "${p.title}" about working safely.\nLyrics:\n${p.lyrics}`.slice(0, 3000),
      },
    },
  };
}
