/**
 * English words as keywords (seed 002 section 3: extracted_keywords): counted lowercase with plurals
 * and inflections folded (helmets -> helmet, checking -> check), cited as written.
 */

/** What may follow an English keyword inside its word and still be an occurrence of it ("ladders", "checked"). */
export const ENGLISH_SUFFIXES: ReadonlySet<string> = new Set(['s', 'es', 'ed', 'ing']);

const DOUBLED = /([b-df-hj-np-tv-z])\1$/;

/** Undo a doubled final consonant left by -ing/-ed ("stopping" -> "stopp" -> "stop"), not ll/ss/zz ("falling" -> "fall"). */
function undouble(stem: string): string {
  const m = DOUBLED.exec(stem);
  return m && !/(?:ll|ss|zz|ff)$/.test(stem) ? stem.slice(0, -1) : stem;
}

/**
 * The counting key of an English word: lowercase, a plural or an inflection folded. Only for
 * counting; a key need not be a word ("wir" for "wired"), the surface shown is always as written.
 */
export function foldEnglish(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('sses')) return w.slice(0, -2);
  if (w.length > 4 && /(?:x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 5 && w.endsWith('ing')) return undouble(w.slice(0, -3));
  if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) return undouble(w.slice(0, -2));
  if (w.length > 3 && w.endsWith('s') && !/[sui]s$/.test(w)) return w.slice(0, -1);
  return w;
}

/** The counting key of a phrase of English words: lowercase, words (split at spaces and hyphens) joined by single spaces, the last one folded. */
export function foldEnglishPhrase(phrase: string): string {
  const words = phrase.trim().split(/[\s-]+/);
  const last = words.pop() ?? '';
  return [...words.map((w) => w.toLowerCase()), foldEnglish(last)].join(' ');
}

/** Lexicographic comparison of two score vectors: whether a beats b. */
function greater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/**
 * The one spelling to cite for words written several ways: the spelling that covers the most
 * occurrences, an occurrence covering when it is the spelling or the spelling plus s/es/ed/ing
 * (what evidence.ts accepts); ties go to the spelling written most often as it is, then lowercase,
 * then the shorter, then code-unit order. {helmet: 2, helmets: 3} gives "helmet" (covers 5);
 * {glasses: 2} gives "glasses"; {Forklift: 1, forklift: 2} gives "forklift".
 */
export function chooseSurface(forms: ReadonlyMap<string, number>): string {
  const candidates = new Set<string>();
  for (const form of forms.keys()) {
    candidates.add(form);
    for (const suffix of ENGLISH_SUFFIXES) {
      if (form.endsWith(suffix) && /[A-Za-z]{3}$/.test(form.slice(0, -suffix.length))) candidates.add(form.slice(0, -suffix.length));
    }
  }
  let best = '';
  let bestKey: number[] = [];
  for (const c of [...candidates].sort()) {
    let covers = 0;
    for (const [form, n] of forms) if (form === c || (form.startsWith(c) && ENGLISH_SUFFIXES.has(form.slice(c.length)))) covers += n;
    const key = [covers, forms.get(c) ?? 0, c === c.toLowerCase() ? 1 : 0, -c.length];
    if (!best || greater(key, bestKey)) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}
