import { MAX_CLIP_SECONDS, MIN_SCENE_SECONDS } from './mv-options';
import type { Scene } from './mv-input';

/** Seconds closer than this are the same instant (scene times may be decimals a person typed). */
const EPSILON = 1e-6;

/**
 * What is wrong with an MV script's timing, one sentence per problem (empty when none): the
 * scenes must run from 0 to `lengthSec` in order, each starting where the one before ended (no
 * gap, no overlap), each at least MIN_SCENE_SECONDS long. Seed 002 section 4 (`edited_mv_script`)
 * and the QA step's timing check.
 */
export function timelineProblems(scenes: readonly Scene[], lengthSec: number): string[] {
  if (scenes.length === 0) return ['the script has no scenes'];
  const out: string[] = [];
  const first = scenes[0]!;
  if (Math.abs(first.start) > EPSILON) out.push(`scene 1 starts at ${first.start}s; the first scene must start at 0`);
  scenes.forEach((s, i) => {
    const n = i + 1;
    if (!(s.end > s.start)) out.push(`scene ${n} ends (${s.end}s) before it starts (${s.start}s)`);
    else if (s.end - s.start < MIN_SCENE_SECONDS - 1e-9) out.push(`scene ${n} lasts ${round(s.end - s.start)}s; a scene lasts at least ${MIN_SCENE_SECONDS}s`);
    if (!s.description.trim()) out.push(`scene ${n} has no description`);
    const next = scenes[i + 1];
    if (!next) return;
    if (next.start > s.end + EPSILON) out.push(`a gap between scene ${n} (ends ${s.end}s) and scene ${n + 1} (starts ${next.start}s)`);
    else if (next.start < s.end - EPSILON) out.push(`scene ${n + 1} (starts ${next.start}s) overlaps scene ${n} (ends ${s.end}s)`);
  });
  const last = scenes[scenes.length - 1]!;
  if (Math.abs(last.end - lengthSec) > EPSILON) out.push(`the last scene ends at ${last.end}s; the script must end at the video's length, ${lengthSec}s`);
  return out;
}

/** `count` scenes' times covering `lengthSec` in whole seconds, the longer ones first (30 s in 4: 8, 8, 7, 7). */
export function sceneGrid(lengthSec: number, count: number): { start: number; end: number }[] {
  const base = Math.floor(lengthSec / count);
  const extra = lengthSec - base * count;
  const out: { start: number; end: number }[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const d = base + (i < extra ? 1 : 0);
    out.push({ start: at, end: at + d });
    at += d;
  }
  return out;
}

/** How many scenes a video of `lengthSec` gets by default: one clip each (30 s: 4, 60 s: 8, 90 s: 12). */
export const defaultSceneCount = (lengthSec: number) => Math.ceil(lengthSec / MAX_CLIP_SECONDS);

export interface Clip {
  scene_id: string;
  /** 1-based part of its scene; a scene no longer than the longest clip has one. */
  part: number;
  start: number;
  end: number;
  duration_seconds: number;
}

/**
 * The clips a script is rendered from: each scene in equal parts no longer than `maxSec` (a 12 s
 * scene with 8 s clips is two of 6 s), in order, covering the same time.
 */
export function clipsOf(scenes: readonly (Scene & { scene_id: string })[], maxSec = MAX_CLIP_SECONDS): Clip[] {
  return scenes.flatMap((s) => {
    const parts = Math.max(1, Math.ceil((s.end - s.start) / maxSec - EPSILON));
    const d = (s.end - s.start) / parts;
    return Array.from({ length: parts }, (_, i) => ({
      scene_id: s.scene_id, part: i + 1, start: round(s.start + i * d), end: round(i === parts - 1 ? s.end : s.start + (i + 1) * d), duration_seconds: round(d),
    }));
  });
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** A lyric line and when it is sung (and shown as a subtitle), in seconds. */
export interface TimedLine { start: number; end: number; text: string }

/**
 * The lyrics' lines spread evenly over the video (section labels such as `[Chorus]` and blank
 * lines left out): the subtitles' timing until a music provider reports its own.
 */
export function lyricTimeline(lyrics: string, lengthSec: number): TimedLine[] {
  const lines = lyrics.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^\[.*\]$/.test(l));
  if (lines.length === 0) return [];
  const d = lengthSec / lines.length;
  return lines.map((text, i) => ({ start: round(i * d), end: round(i === lines.length - 1 ? lengthSec : (i + 1) * d), text }));
}
