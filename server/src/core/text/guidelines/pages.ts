import { inPageOrder, type SourcePage } from './evidence';
import { splitSentences, type LineSentence } from './sentences';

/** A page split into sentences once, with what the analysis needs to know about them. */
export interface PreparedPage {
  page: SourcePage;
  /** Offset of the page's first character in all the pages' texts put end to end (for "earlier"). */
  base: number;
  sentences: LineSentence[];
  /** Indexes of sentences that are running headers or footers (the same line on most pages). */
  boilerplate: ReadonlySet<number>;
  /** Index of the page's title line (its first line, short, not a statement), or -1. */
  heading: number;
}

const TERMINAL = /(?:[.!?。！？]|다|요|오|것)["'”’)\]]?$/u;
const DIGITS = /\d+/gu;
const SPACES = /\s+/gu;

/** A line's identity across pages: digits (page numbers) and spacing do not count. */
const lineKey = (text: string): string => text.replace(DIGITS, '#').replace(SPACES, ' ').toLowerCase();

/**
 * The pages in page order, split into sentences. A short sentence that does not read as a statement,
 * on one of a page's first two or last two lines, whose text (digits aside) recurs there on at least
 * 3 pages and half of them is boilerplate
 * (running headers, footers, "Page 3 of 10"): it is still citable evidence but neither a key point
 * nor counted for keywords.
 */
export function preparePages(pages: readonly SourcePage[]): PreparedPage[] {
  let base = 0;
  const prepared = inPageOrder(pages).map((page) => {
    const p = { page, base, sentences: splitSentences(page.text), boilerplate: new Set<number>(), heading: -1 };
    base += page.text.length;
    return p;
  });
  const edgeKeys = prepared.map(({ sentences }) => {
    const lines = [...new Set(sentences.map((s) => s.line))];
    const edge = new Set([...lines.slice(0, 2), ...lines.slice(-2)]);
    const keys = new Map<number, string>();
    sentences.forEach((s, i) => {
      if (edge.has(s.line) && s.text.length <= 60 && !TERMINAL.test(s.text)) keys.set(i, lineKey(s.text));
    });
    return keys;
  });
  if (prepared.length >= 3) {
    const pagesWith = new Map<string, number>();
    for (const keys of edgeKeys) for (const k of new Set(keys.values())) pagesWith.set(k, (pagesWith.get(k) ?? 0) + 1);
    const needed = Math.max(3, Math.ceil(prepared.length / 2));
    prepared.forEach((p, pi) => {
      for (const [i, k] of edgeKeys[pi]!) if ((pagesWith.get(k) ?? 0) >= needed) p.boilerplate.add(i);
    });
  }
  for (const p of prepared) {
    const first = p.sentences.findIndex((_, i) => !p.boilerplate.has(i));
    const s = p.sentences[first];
    if (!s) continue;
    const alone = p.sentences.filter((x) => x.line === s.line).length === 1;
    if (alone && s.text.length <= 60 && !TERMINAL.test(s.text)) p.heading = first;
  }
  return prepared;
}
