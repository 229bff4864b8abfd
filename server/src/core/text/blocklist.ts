import { matchingView } from './matching-view';

/**
 * A prompt blocklist that spelling tricks do not get past (issue 12's content guard, seed 004
 * "콘텐츠 가드"): both the terms and the text are folded to one skeleton before they are compared.
 * - Compatibility forms, invisible characters and accents go (matchingView): "ｎｕ\u200Bdé" is "nude".
 * - Look-alike letters become the Latin letter they imitate: Cyrillic "nudе", Greek "νude", "nud3", "$ex".
 * - Hangul is compared as jamo with final consonants folded to initial ones, so a word typed as
 *   separate jamo ("ㄴㅜㄷㅡ") or split by spaces ("누 드") is the word, and particles after it ("누드를")
 *   do not hide it: a term in Hangul (or any script without spaces between words) matches inside a
 *   word, or across spaces when it starts a word (not 나체 in "바나나 체리").
 * - A Latin-script term matches a whole word, with an ending that keeps its sense ("nudes", "sexy";
 *   not "Sussex", "sextant" or "marvelous" for "sex" or "marvel"), also when the word is split by
 *   spaces ("bat man", "ni pp le") or spelt out letter by letter ("n u d e", "n.u.d.e").
 */
export interface Blocklist {
  /** The first term the text contains, as the list writes it; null when none. */
  find(text: string): string | null;
}

/** Look-alikes of Latin letters: Cyrillic and Greek letters, and the digits and signs that stand for letters. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', з: '3', і: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ո: 'n',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l',
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).map((c) => (/[$|]/.test(c) ? `\\${c}` : c)).join('')}]`, 'gu');

/** Hangul final consonants (U+11A8..U+11C2) as the initial consonants they sound as. */
const FINALS = ['ᄀ', 'ᄁ', 'ᄀᄉ', 'ᄂ', 'ᄂᄌ', 'ᄂᄒ', 'ᄃ', 'ᄅ', 'ᄅᄀ', 'ᄅᄆ', 'ᄅᄇ', 'ᄅᄉ', 'ᄅᄐ', 'ᄅᄑ', 'ᄅᄒ', 'ᄆ', 'ᄇ', 'ᄇᄉ', 'ᄉ', 'ᄊ', 'ᄋ', 'ᄌ', 'ᄎ', 'ᄏ', 'ᄐ', 'ᄑ', 'ᄒ'];
const FINAL = /[\u11A8-\u11C2]/gu;

const LATIN_WORD = /^[a-z ]+$/;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** The skeleton both sides are compared on, words kept apart by single spaces. */
function skeleton(text: string): string {
  return matchingView(text.normalize('NFC')).view
    .toLowerCase()
    .replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(FINAL, (c) => FINALS[c.charCodeAt(0) - 0x11a8]!)
    .replace(NOT_WORD, ' ')
    .trim();
}

/** Endings a Latin term keeps its meaning with ("nudes", "sexy"); any other ending is another word ("sextant"). */
const SUFFIXES = ['', 's', 'es', 'y', 'ies', 'ed', 'ing', 'er', 'ers', 'ual', 'uality', 'ually', 'ity'];

/**
 * What a Latin term is compared with: `words`, each word and each two and three neighbours joined
 * ("bat man", "ni pp le": a word split by spaces), compared whole; and `runs`, each run of single
 * letters joined ("a n u d e" is "anude"), which a term may be anywhere inside.
 */
function latinCandidates(skel: string): { words: Set<string>; runs: string[] } {
  const split = skel.split(' ');
  const words = new Set<string>(split);
  for (let i = 0; i < split.length; i++) {
    if (i + 1 < split.length) words.add(split[i]! + split[i + 1]!);
    if (i + 2 < split.length) words.add(split[i]! + split[i + 1]! + split[i + 2]!);
  }
  const runs: string[] = [];
  let run = '';
  for (const word of [...split, '']) {
    if ([...word].length === 1) {
      run += word;
      continue;
    }
    if (run.length > 1) runs.push(run);
    run = '';
  }
  return { words, runs };
}

/**
 * Where a term in a script without spaces between words (Hangul) is found: anywhere inside one
 * word ("누드를", compounds), or across spaces only when it starts a word ("누 드", "포르 노"), so
 * the end of one word and the start of the next do not make a term ("바나나 체리" is not 나체).
 */
function foundInWords(skel: string, compactTerm: string): boolean {
  const starts = new Set<number>();
  let compact = '';
  for (const word of skel.split(' ')) {
    starts.add(compact.length);
    compact += word;
  }
  for (let at = compact.indexOf(compactTerm); at !== -1; at = compact.indexOf(compactTerm, at + 1)) {
    if (starts.has(at)) return true;
    const crosses = [...starts].some((s) => s > at && s < at + compactTerm.length);
    if (!crosses) return true;
  }
  return false;
}

/**
 * The blocklist of `terms` (each a word or a few, in any script; blank ones are ignored). Folding
 * the text is linear in its length; each term is a lookup or a substring search.
 */
export function compileBlocklist(terms: readonly string[]): Blocklist {
  const compiled = terms
    .map((term) => ({ term, key: skeleton(term) }))
    .filter((t) => t.key !== '')
    .map((t) => ({ ...t, latin: LATIN_WORD.test(t.key), compact: t.key.replaceAll(' ', '') }));
  return {
    find(text) {
      const skel = skeleton(text);
      const { words, runs } = latinCandidates(skel);
      const latinHit = (key: string) => SUFFIXES.some((end) => words.has(key + end)) || runs.some((r) => r.includes(key));
      const hit = compiled.find((t) => (t.latin ? latinHit(t.compact) : foundInWords(skel, t.compact)));
      return hit?.term ?? null;
    },
  };
}
