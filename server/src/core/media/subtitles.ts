import type { SubtitleCue } from '../ports/media';

/** `HH:MM:SS<sep>mmm` of `sec` seconds: SubRip writes a comma before the milliseconds, WebVTT a dot. */
function timestamp(sec: number, sep: ',' | '.'): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${sep}${pad(ms % 1000, 3)}`;
}

// A cue's text may not hold a blank line (it ends the cue in both formats), nor "-->" in WebVTT.
const cueText = (text: string) => text.replace(/\r/g, '').replace(/\n{2,}/g, '\n').trim();

/** Cues as SubRip (what ffmpeg reads into an MP4's mov_text track): numbered blocks of times and text. */
export function srtOf(cues: readonly SubtitleCue[]): string {
  return cues.map((c, i) => `${i + 1}\n${timestamp(c.start, ',')} --> ${timestamp(c.end, ',')}\n${cueText(c.text)}\n`).join('\n');
}

/** Cues as WebVTT: what a browser's `<track>` shows beside a video. */
export function webVttOf(cues: readonly SubtitleCue[]): string {
  const body = cues.map((c) => `${timestamp(c.start, '.')} --> ${timestamp(c.end, '.')}\n${cueText(c.text).replace(/-->/g, '->')}\n`);
  return ['WEBVTT', '', ...body].join('\n');
}
