import { createHash } from 'node:crypto';
import type { TextRequest } from '../../core/ports/providers';
import { CAMERAS, MAX_PROMPT_CHARS, MOODS, RATIOS, STYLES, type Camera, type Mood, type Ratio, type Style } from './studio-options';

/** The fields of `/api/prompts` (seed 001 section 2). */
export interface IdeaFields {
  idea: string;
  style: Style;
  mood: Mood;
  camera: Camera;
  ratio: Ratio;
  extra?: string;
}

const SYSTEM = [
  'You write one prompt for an image generation model, in English.',
  'Turn the idea and its choices into a single vivid paragraph: subject, setting, lighting, composition.',
  'Keep the words the user chose to name things (names, places, quoted text, brand or character names) exactly as written, in their own language.',
  'Keep every choice of style, mood and camera. Return only the prompt, without a preface, at most 900 characters.',
].join(' ');

/** A 31-bit seed from the fields: the same idea and choices ask the text model the same question. */
export function ideaSeed(fields: IdeaFields): number {
  const key = JSON.stringify([fields.idea.trim(), fields.style, fields.mood, fields.camera, fields.ratio, fields.extra?.trim() ?? '']);
  return createHash('sha256').update(key).digest().readUInt32BE(0) & 0x7fffffff;
}

/** The text request that expands the fields: the choices spelled out in the words image models know. */
export function expansionRequest(fields: IdeaFields): TextRequest {
  const lines = [
    `Idea: ${fields.idea.trim()}`,
    `Style: ${STYLES[fields.style]}`,
    `Mood: ${MOODS[fields.mood]}`,
    `Camera: ${CAMERAS[fields.camera]}`,
    `Frame: ${RATIOS[fields.ratio].words}`,
    ...(fields.extra?.trim() ? [`Also: ${fields.extra.trim()}`] : []),
  ];
  return { system: SYSTEM, prompt: lines.join('\n'), seed: ideaSeed(fields), maxChars: 1200 };
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const has = (text: string, part: string) => text.toLowerCase().includes(part.toLowerCase());

/**
 * The prompt the caller gets: the model's paragraph, made to keep what the user chose whatever the
 * model did with it. The idea is kept in the user's own words (a Korean idea stays beside the
 * English it was turned into), the extra text too, and each choice's words are added where the
 * model left them out. Deterministic: with the offline text stub it is built from the fields alone.
 * At most MAX_PROMPT_CHARS characters.
 */
export function finalPrompt(fields: IdeaFields, modelText: string): string {
  const idea = squash(fields.idea);
  let text = squash(modelText.replace(/^(prompt|image prompt)\s*:\s*/i, ''));
  if (!text) text = idea;
  else if (!has(text, idea)) text = `${idea}. ${text}`;
  const extra = fields.extra ? squash(fields.extra) : '';
  const missing = [STYLES[fields.style], MOODS[fields.mood], CAMERAS[fields.camera], RATIOS[fields.ratio].words, extra].filter((p) => p && !has(text, p));
  if (missing.length) text = `${text.replace(/[.,;\s]+$/, '')}. ${missing.join(', ')}.`;
  return text.length <= MAX_PROMPT_CHARS ? text : `${text.slice(0, MAX_PROMPT_CHARS - 1)}…`;
}

/** An image prompt with the optional style's words and what to avoid (the port takes one prompt). */
export function imagePrompt(prompt: string, style?: Style, negativePrompt?: string): string {
  const parts = [squash(prompt)];
  if (style && !has(prompt, STYLES[style])) parts.push(STYLES[style]);
  let text = parts.join(', ');
  if (negativePrompt?.trim()) text += `. Avoid: ${squash(negativePrompt)}`;
  return text;
}
