import type { EntityKind } from '../../core/ports/store';

/**
 * Seed 004's choices (생성 모달 옵션) and policies (정책/제한): styles with the words each adds to
 * a prompt, ratios at 1024 px on the long side, the batch size, the daily limit, the price.
 */
export const GALLERY_APP = 'gallery';

export const STYLES = {
  realistic: 'photorealistic portrait, natural light, fine detail',
  anime: 'anime illustration, clean line art, cel shading',
  painterly: 'painterly artwork, visible brush strokes, rich color',
} as const;
export type Style = keyof typeof STYLES;

/** Output 1024 px on the long side by default (seed "정책": 이미지 출력 기본 1024px). */
export const RATIOS = {
  '1:1': { width: 1024, height: 1024 },
  '3:4': { width: 768, height: 1024 },
  '16:9': { width: 1024, height: 576 },
} as const;
export type Ratio = keyof typeof RATIOS;

/** Images in one batch: 1..8, 4 by default (seed "개수: 1~8(기본 4)"). */
export const MAX_BATCH = 8;
export const DEFAULT_COUNT = 4;
export const MAX_PROMPT_CHARS = 2000;

/** The collections of the paths (`/characters/{id}`) and the singular words of `entity_type`. */
export const COLLECTIONS = { characters: 'character', stories: 'story', origchats: 'origchat' } as const satisfies Record<string, EntityKind>;
export type Collection = keyof typeof COLLECTIONS;
export const ENTITY_KINDS = ['character', 'story', 'origchat'] as const satisfies readonly EntityKind[];

/** `entity_type` as the seed writes it (`character`) or as the collection (`characters`). */
export function entityKindOf(word: string): EntityKind | null {
  if ((ENTITY_KINDS as readonly string[]).includes(word)) return word as EntityKind;
  return (COLLECTIONS as Record<string, EntityKind>)[word] ?? null;
}

/** Credits by default (the PRICES setting changes them): 1 an image, charged up front, refunded per image failed or blocked. */
export const GALLERY_PRICES = { image: 1 } as const;

/**
 * Per plan: batches at once across the user's entities (one per entity always), images a day in
 * QUOTA_TZ (seed "1일 생성 한도(예: 24장)"), and entities of each kind a user may keep.
 */
export const GALLERY_PLAN_LIMITS = {
  free: { runningJobs: 3, imagesPerDay: 24, entitiesPerKind: 50 },
  pro: { runningJobs: 6, imagesPerDay: 96, entitiesPerKind: 500 },
} as const;
