/**
 * A text seen two ways: the normalised view that patterns are matched on, and the original that is
 * kept. Invisible and compatibility characters ("ig\u2060nore", "ｉｇｎｏｒｅ", "𝐢𝐠𝐧𝐨𝐫𝐞") must not
 * hide a match, yet what is stored keeps the writer's own characters (emoji sequences included).
 * The two are mapped per cluster, so a match replaces exactly the clusters it came from.
 */

// The units the view maps back to: an emoji sequence (flag pair; pictograph with its modifiers,
// selectors, tags and ZWJ-joined pictographs), or one code point with the marks that follow it.
// Close to UAX #29 grapheme clusters where it matters here, at a fraction of Intl.Segmenter's cost.
const CLUSTER = /\p{Regional_Indicator}{2}|\p{Extended_Pictographic}(?:[\p{M}\p{Emoji_Modifier}\u{E0020}-\u{E007F}]|\u200D\p{Extended_Pictographic})*|[\s\S]\p{M}*/gu;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
// C0/C1 controls other than tab and line breaks, and lone surrogates: never part of prose.
const CONTROL = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]|\p{Cs}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const EMOJI_CLUSTER = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
// A subdivision flag (🏴 + tag letters/digits + cancel tag, e.g. Scotland); tags anywhere else can smuggle text.
const TAG_FLAG = /^\u{1F3F4}\uFE0F?[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,6}\u{E007F}$/u;
const VIEW_DROP = /[\p{M}\p{Default_Ignorable_Code_Point}\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]|\p{Cs}/gu;
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/gu;

/** One cluster of the original and the range `[viewStart, viewEnd)` of the view it became. */
interface Cluster {
  text: string;
  viewStart: number;
  viewEnd: number;
}

/** A range of the view `[start, end)` to be replaced in the original by `label`. */
export interface ViewSpan {
  start: number;
  end: number;
  label: string;
}

export interface MatchingView {
  /** NFKC-like skeleton: compatibility forms folded, marks and default-ignorables dropped, digits ASCII. */
  view: string;
  /**
   * The original with each span's clusters replaced by its label, and invisible characters removed
   * except where they belong (ZWJ between emoji, variation selectors of emoji and keycaps, the tags
   * of a subdivision flag). Overlapping spans merge under the first one's label.
   */
  rewrite(spans: ViewSpan[]): string;
}

/** Builds the view of `text` (best given in NFC). Pure; linear in the text's length. */
export function matchingView(text: string): MatchingView {
  const clusters: Cluster[] = [];
  let view = '';
  for (const [segment] of text.matchAll(CLUSTER)) {
    const part = viewOf(segment);
    clusters.push({ text: segment, viewStart: view.length, viewEnd: view.length + part.length });
    view += part;
  }
  // The cluster each view position came from.
  const owner = new Int32Array(view.length);
  clusters.forEach((c, i) => owner.fill(i, c.viewStart, c.viewEnd));

  return {
    view,
    rewrite(spans) {
      const ranges = spans
        .filter((s) => s.end > s.start)
        .map((s) => ({ first: owner[s.start]!, last: owner[s.end - 1]!, label: s.label }))
        .sort((a, b) => a.first - b.first);
      let out = '';
      let next = 0;
      for (const r of ranges) {
        if (r.first < next) continue; // inside a range already replaced
        for (; next < r.first; next++) out += visibleOf(clusters[next]!.text);
        out += r.label;
        next = r.last + 1;
      }
      for (; next < clusters.length; next++) out += visibleOf(clusters[next]!.text);
      return out;
    },
  };
}

/** A cluster as patterns see it: "ｉ" → "i", "𝐢" → "i", "é" → "e", "①" → "1", "٣" → "3", "\u2060" → "". */
function viewOf(cluster: string): string {
  if (plain(cluster)) return cluster;
  // NFKD then NFC (= NFKC) with the marks taken out between: a mark cannot split a word.
  return cluster.normalize('NFKD').replace(VIEW_DROP, '').replace(NON_ASCII_DIGIT, asciiDigit).normalize('NFC');
}

/** Unicode assigns decimal digits in runs of ten from zero (a stability policy), so a digit's value is its place in its run. */
function asciiDigit(digit: string): string {
  const code = digit.codePointAt(0)!;
  let start = code;
  while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return String((code - start) % 10);
}

/** A cluster as stored: invisible characters dropped unless they are part of an emoji sequence. */
function visibleOf(cluster: string): string {
  if (plain(cluster)) return cluster;
  const cps = [...cluster];
  const emoji = EMOJI_CLUSTER.test(cluster);
  const flag = emoji && TAG_FLAG.test(cluster);
  let out = '';
  cps.forEach((c, i) => {
    if (CONTROL.test(c)) return;
    if (IGNORABLE.test(c) && !(emoji && keptInEmoji(c, cps, i, flag))) return;
    out += c;
  });
  return out;
}

function keptInEmoji(c: string, cps: string[], i: number, flag: boolean): boolean {
  if (c === '\u200D') return PICTOGRAPHIC.test(cps[i + 1] ?? '');
  if (c === '\uFE0E' || c === '\uFE0F') return PICTOGRAPHIC.test(cps[i - 1] ?? '') || (i === 1 && cps[2] === '\u20E3');
  const code = c.codePointAt(0)!;
  return flag && code >= 0xe0020 && code <= 0xe007f;
}

/** Printable ASCII or one precomposed Hangul syllable: the same in the view and kept as it is. */
function plain(cluster: string): boolean {
  return cluster.length === 1 && ((cluster >= ' ' && cluster <= '~') || (cluster >= '\uAC00' && cluster <= '\uD7A3'));
}
