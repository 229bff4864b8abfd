/**
 * The server's rules for an edited MV script (server mv-script.ts `timelineProblems`), checked in
 * the browser so problems show while typing: scenes run from 0 to the length in order, each
 * starting where the one before ended (no gap, no overlap), each at least 2 s with a description.
 */
export const MIN_SCENE_SECONDS = 2;
export const MAX_SCENES = 60;
const EPSILON = 1e-6;

/** A scene row as typed: the times are the inputs' text. */
export interface SceneRow { start: string; end: string; description: string }

export type TimelineProblem =
  | { kind: 'empty' }
  | { kind: 'tooMany'; max: number }
  | { kind: 'notNumber'; n: number }
  | { kind: 'firstStart'; start: number }
  | { kind: 'backwards'; n: number; start: number; end: number }
  | { kind: 'short'; n: number; seconds: number; min: number }
  | { kind: 'noDescription'; n: number }
  | { kind: 'gap'; n: number; next: number; end: number; start: number }
  | { kind: 'overlap'; n: number; next: number; end: number; start: number }
  | { kind: 'lastEnd'; end: number; length: number };

/** A time as typed, in seconds; NaN when it is not a number (an empty box is not 0). */
export const seconds = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
const round = (x: number) => Math.round(x * 1000) / 1000;

export function timelineProblems(rows: readonly SceneRow[], length: number): TimelineProblem[] {
  if (rows.length === 0) return [{ kind: 'empty' }];
  const out: TimelineProblem[] = [];
  if (rows.length > MAX_SCENES) out.push({ kind: 'tooMany', max: MAX_SCENES });
  const times = rows.map((r) => ({ start: seconds(r.start), end: seconds(r.end) }));
  if (times.some((s) => !Number.isFinite(s.start) || !Number.isFinite(s.end))) {
    times.forEach((s, i) => (!Number.isFinite(s.start) || !Number.isFinite(s.end)) && out.push({ kind: 'notNumber', n: i + 1 }));
    return out;
  }
  if (Math.abs(times[0]!.start) > EPSILON) out.push({ kind: 'firstStart', start: times[0]!.start });
  times.forEach((s, i) => {
    const n = i + 1;
    if (!(s.end > s.start)) out.push({ kind: 'backwards', n, start: s.start, end: s.end });
    else if (s.end - s.start < MIN_SCENE_SECONDS - EPSILON) out.push({ kind: 'short', n, seconds: round(s.end - s.start), min: MIN_SCENE_SECONDS });
    if (!rows[i]!.description.trim()) out.push({ kind: 'noDescription', n });
    const next = times[i + 1];
    if (!next) return;
    if (next.start > s.end + EPSILON) out.push({ kind: 'gap', n, next: n + 1, end: s.end, start: next.start });
    else if (next.start < s.end - EPSILON) out.push({ kind: 'overlap', n, next: n + 1, end: s.end, start: next.start });
  });
  const last = times[times.length - 1]!;
  if (Math.abs(last.end - length) > EPSILON) out.push({ kind: 'lastEnd', end: last.end, length });
  return out;
}

/** The rows as the review sends them (`edited_mv_script`): numbers, the description trimmed. */
export const scriptOf = (rows: readonly SceneRow[]) => rows.map((r) => ({ start: seconds(r.start), end: seconds(r.end), description: r.description.trim() }));

/**
 * A scene added at the end: it takes the last scene's second half when that is at least twice
 * the minimum, so the timeline stays whole; otherwise it starts where the last ends.
 */
export function addedRow(rows: readonly SceneRow[], length: number): SceneRow[] {
  const last = rows[rows.length - 1];
  if (!last) return [{ start: '0', end: String(length), description: '' }];
  const start = seconds(last.start);
  const end = seconds(last.end);
  if (Number.isFinite(start) && Number.isFinite(end) && end - start >= 2 * MIN_SCENE_SECONDS) {
    const mid = String(round(start + Math.floor((end - start) / 2)));
    return [...rows.slice(0, -1), { ...last, end: mid }, { start: mid, end: last.end, description: '' }];
  }
  return [...rows, { start: last.end, end: String(length), description: '' }];
}
