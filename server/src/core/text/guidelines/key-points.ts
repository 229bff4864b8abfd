import type { PreparedPage } from './pages';

/** Longest sentence shown as a key point or a prohibition, in UTF-16 code units; longer ones are skipped, never cut. */
export const MAX_POINT_LENGTH = 200;

/** Sentences that forbid something (seed 002: prohibitions): Korean 금지, 하지 않는다, 하지 마십시오, 말 것, 안 된다; English do not, never, must not, prohibited... */
const PROHIBITION_KO = /금지|엄금|불가(?![피능])|지\s*(?:않는다|않습니다|않아야|않는\s*다|말\s*것|말아야|마십시오|마세요|맙시다|마라|말라|못한다)|하지\s*않도록|안\s*(?:된다|됩니다|됨|돼요)/u;
const PROHIBITION_EN = /\b(?:do not|don['’]t|does not|never|must not|mustn['’]t|shall not|should not|shouldn['’]t|may not|cannot|can['’]t|avoid|prohibited|forbidden|not allowed|not permitted)\b|^no\s/iu;

/** What someone must do: obligation markers (반드시, 해야, 하십시오, 할 것, must, always, ensure, wear...). */
const OBLIGATION_KO = /반드시|해야|하여야|되어야|돼야|야\s*(?:한다|합니다)|하십시오|하세요|할\s*것|하도록|준수|필수|의무|한다[.!]?$|합니다[.!]?$|하라[.!]?$/u;
const OBLIGATION_EN = /\b(?:must|always|ensure|make sure|wear|shall|required|need to|needs to|keep|inspect|check|use)\b/iu;
const STATEMENT = /(?:[.!。]|다|것|오|요)["'”’)\]]?$/u;
const HAS_LETTERS = /\p{L}[^]*?\p{L}/u;
const NOT_CONTENT = /[\s\p{P}\p{S}]+/gu;

/** Whether a sentence forbids something. */
export const isProhibition = (text: string): boolean => PROHIBITION_KO.test(text) || PROHIBITION_EN.test(text);

/** Whether a sentence says what must (or must not) be done. */
export const isObligation = (text: string): boolean => OBLIGATION_KO.test(text) || OBLIGATION_EN.test(text) || isProhibition(text);

/** Two sentences are the same point when they differ only in case, spacing and punctuation. */
const pointKey = (text: string): string => text.toLowerCase().replace(NOT_CONTENT, '');

/** A sentence that may be shown: not boilerplate, not a title line, not too long, with some letters. */
function showable(p: PreparedPage, i: number): boolean {
  const s = p.sentences[i]!;
  return !p.boilerplate.has(i) && i !== p.heading && s.text.length <= MAX_POINT_LENGTH && HAS_LETTERS.test(s.text);
}

/**
 * Key points (seed 002 section 3: key_points): sentences as written (trimmed), scored by the
 * keywords they hold (`keywordScore[page][sentence]`) plus 1.5 for an obligation or a prohibition
 * and 0.3 for reading as a full statement; a sentence with neither keywords nor markers is not one.
 * The best `max`, duplicates (case, spacing, punctuation aside) once, returned in document order.
 */
export function pickKeyPoints(pages: readonly PreparedPage[], keywordScore: readonly (readonly number[])[], max: number): string[] {
  const scored: { text: string; score: number; order: number }[] = [];
  let order = 0;
  pages.forEach((p, pi) => {
    p.sentences.forEach((s, si) => {
      order++;
      if (!showable(p, si)) return;
      const kw = keywordScore[pi]?.[si] ?? 0;
      const marked = isObligation(s.text);
      if (kw <= 0 && !marked) return;
      scored.push({ text: s.text, score: kw + (marked ? 1.5 : 0) + (STATEMENT.test(s.text) ? 0.3 : 0), order });
    });
  });
  const seen = new Set<string>();
  const chosen: typeof scored = [];
  for (const c of [...scored].sort((a, b) => b.score - a.score || a.order - b.order)) {
    if (chosen.length >= max) break;
    const key = pointKey(c.text);
    if (seen.has(key)) continue;
    seen.add(key);
    chosen.push(c);
  }
  return chosen.sort((a, b) => a.order - b.order).map((c) => c.text);
}

/** Prohibitions (seed 002: what the plan must never show done): forbidding sentences in document order, once each, at most `max`. */
export function pickProhibitions(pages: readonly PreparedPage[], max: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of pages) {
    for (let i = 0; i < p.sentences.length && out.length < max; i++) {
      const { text } = p.sentences[i]!;
      if (!showable(p, i) || !isProhibition(text)) continue;
      const key = pointKey(text);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(text);
    }
  }
  return out;
}
