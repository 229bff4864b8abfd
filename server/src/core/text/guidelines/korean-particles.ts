/**
 * Korean words as keywords (seed 002 section 3: extracted_keywords): a particle (조사) or a 하다/되다
 * verb ending after a noun is stripped, and whatever is left must still be a noun of at least two
 * syllables. The same suffix lists decide where an occurrence of a keyword ends in the text
 * (evidence.ts), so every stem found here is found there at the same offset.
 */

/** Particles and copula forms a noun may carry, several stacked ones spelt out ("에서는"). Longest first. */
export const KOREAN_PARTICLES: readonly string[] = [
  // stacked
  '에서부터', '에게서는', '으로부터', '에서는', '에서도', '에서의', '에서만', '에게는', '에게도', '에게서', '으로는', '으로도', '으로의',
  '으로서', '으로써', '으로만', '까지는', '까지도', '까지의', '부터는', '부터의', '보다는', '처럼은', '로부터', '에서', '에게', '으로',
  '로는', '로도', '로의', '로서', '로써', '로만', '에는', '에도', '에의', '에만', '와는', '과는', '와도', '과도', '와의', '과의', '만은', '만이',
  '만을', '만의', '이나', '이며', '이랑', '이라도', '이라는', '이라고', '이란', '이든', '이든지', '이든가',
  // copula
  '입니다', '이므로', '이어야', '이어서', '이지만', '이라면', '이다', '이고', '이면', '이라', '이어', '이었다',
  // single
  '까지', '부터', '보다', '처럼', '같이', '마다', '조차', '밖에', '한테', '께서', '만큼', '대로', '은', '는', '이', '가', '을', '를', '에',
  '로', '와', '과', '의', '도', '만', '나', '랑', '란',
].slice().sort((a, b) => b.length - a.length || (a < b ? -1 : 1));

const PARTICLE_SET: ReadonlySet<string> = new Set(KOREAN_PARTICLES);
const MAX_PARTICLE = KOREAN_PARTICLES[0]!.length;

/** 하다/되다/시키다 verbs: the syllable after the noun, and what may follow it inside the word. */
const VERB_FORMS: Readonly<Record<string, readonly string[]>> = {
  하: ['', '다', '고', '며', '면', '여', '여야', '여야만', '여서', '여도', '였다', '였고', '였으면', '지', '지만', '기', '기에', '기를', '기가', '기도', '기로', '기는', '는', '는데', '는지', '도록', '십시오', '세요', '시오', '시고', '시기', '시면', '셔야', '라', '자', '던', '면서', '므로', '거나', '든지', '더라도', '게', '겠다', '나', '니', '실', '신'],
  한: ['', '다', '다면', '다는', '다고', '후', '뒤'],
  할: ['', '것', '때', '수', '경우'],
  함: ['', '으로써', '으로', '을', '이', '에', '은'],
  합: ['니다', '니까', '시다'],
  해: ['', '야', '야만', '야함', '야한다', '야합니다', '서', '서는', '도', '요', '라', '주십시오', '주세요', '주시기'],
  했: ['다', '을', '는지', '던', '으면', '고', '으며', '습니다'],
  되: ['', '어', '어야', '어서', '어도', '었다', '었을', '지', '고', '며', '면', '는', '기', '도록', '므로', '나'],
  된: ['', '다'],
  될: ['', '때', '수'],
  됨: [''],
  됩: ['니다'],
  돼: ['', '야', '서', '도'],
  됐: ['다', '을'],
  시키: ['', '다', '고', '며', '면', '지', '기', '는', '도록', '십시오'],
  시킨: ['', '다'],
  시킬: [''],
  시켜: ['', '야', '서', '라'],
};

/** Every ending a 하다/되다 verb's noun may carry in one word: "한다", "하십시오", "해야", "되지"... */
const VERB_ENDINGS: ReadonlySet<string> = new Set(Object.entries(VERB_FORMS).flatMap(([head, tails]) => tails.map((t) => head + t)));

/**
 * Nouns that end in a syllable that looks like a particle or a verb ending: never cut ("비상통로" is
 * not 비상통 + 로, "산업재해" is not 산업재 + 해, "과부하" is not 과부 + 하). A word ending in one of
 * these is taken whole.
 */
export const PROTECTED_NOUNS: readonly string[] = [
  '통로', '경로', '도로', '선로', '회로', '수로', '항로', '진로', '철로', '대피로', '결과', '효과', '초과', '통과', '경과', '부과',
  '주의', '회의', '유의', '합의', '협의', '동의', '정의', '논의', '문의', '건의', '속도', '온도', '농도', '강도', '각도', '한도', '빈도',
  '정도', '습도', '조도', '밀도', '용도', '복도', '난이도', '고도', '제도', '지도', '태도', '의도', '인도', '보도', '궤도', '전도',
  '높이', '길이', '깊이', '넓이', '차이', '사이', '놀이', '종이', '아이', '어린이', '나이', '증가', '추가', '평가', '휴가', '전문가',
  '대가', '물가', '단가', '국가', '허가', '인가', '미만', '불만', '하나', '마을', '가을', '이하', '지하', '영하', '저하', '과부하', '낙하',
  '투하', '재해', '피해', '손해', '방해', '유해', '상해', '장해', '침해', '이해', '분해', '제한', '기한', '권한', '상한', '하한', '역할',
  '분할', '결함', '사고', '경고', '창고', '신고', '참고', '보고', '재고', '최고', '금고', '무게', '분야', '카메라', '바다', '피로', '차로',
  '미로', '기도', '수도', '포도', '사과', '기와', '누나', '이만', '불가', '부주의', '금지', '방지', '유지', '표지', '부지', '감지', '접지',
  '휴지', '인지', '의지', '토지', '단지',
];
const PROTECTED_SET: ReadonlySet<string> = new Set(PROTECTED_NOUNS);

/** Hangul syllables in a string. */
export function hangulCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xac00 && c <= 0xd7a3) n++;
  }
  return n;
}

/** Whether the word ends with a noun that is never cut. */
function endsProtected(word: string): boolean {
  for (let n = 2; n <= 4 && n <= word.length; n++) if (PROTECTED_SET.has(word.slice(-n))) return true;
  return false;
}

/** Whether `rest`, the letters after a Korean keyword inside its word, is a particle or a 하다/되다 ending. */
export function isKoreanSuffix(rest: string): boolean {
  return PARTICLE_SET.has(rest) || VERB_ENDINGS.has(rest);
}

/**
 * A Korean word without its particle: the longest particle from KOREAN_PARTICLES is taken off when
 * at least two syllables stay (보호구를 -> 보호구, 작업자는 -> 작업자, 안전모와 -> 안전모, 현장에서 -> 현장,
 * 사다리에서는 -> 사다리; 아이 and 높이 stay). Nouns that merely end like a particle stay whole
 * (비상통로, 속도). Seed 002 section 3: extracted_keywords.
 */
export function stripKoreanParticle(word: string): string {
  if (endsProtected(word)) return word;
  let blocked = false;
  for (let n = Math.min(MAX_PARTICLE, word.length - 1); n >= 1; n--) {
    if (!PARTICLE_SET.has(word.slice(-n))) continue;
    const stem = word.slice(0, -n);
    if (hangulCount(stem) < 2) blocked = true;
    // Once a longer particle matched a one-syllable noun (위에서는 = 위 + 에서는), a shorter one may
    // only leave a protected noun (길이나 = 길이 + 나), never "위에서".
    else if (!blocked || endsProtected(stem)) return stem;
  }
  return word;
}

/** Whether `word` ends with a particle (something before it). */
function endsWithParticle(word: string): boolean {
  for (let n = Math.min(MAX_PARTICLE, word.length - 1); n >= 1; n--) if (PARTICLE_SET.has(word.slice(-n))) return true;
  return false;
}

/** The noun of a 하다/되다 verb (착용한다, 착용해야, 착용하십시오 -> 착용), or null when the word is not one. */
export function verbNoun(word: string): string | null {
  if (endsProtected(word)) return null;
  for (let i = 2; i < word.length; i++) {
    if (VERB_ENDINGS.has(word.slice(i))) {
      const stem = word.slice(0, i);
      if (hangulCount(stem) >= 2 && !endsProtected(word.slice(0, i + 1))) return stem;
      return null;
    }
  }
  return null;
}

/** Endings of a predicate, an adverb or an adnominal, never of a noun worth showing (unless protected). */
const PREDICATE_END = /(?:다|니다|시오|세요|요|야|도록|면서|지만|는데|어서|아서|여서|으면|다면|으며|며|게|고|라|히|적|적인)$/u;
const ADJECTIVE_END = /^[가-힣]{2,}[운른]$/u;
/** Verb stems that take 는/은/을 like a noun takes its topic particle (지키는, 세우는, 갖추는). */
const VERB_STEM_END = /(?:키|르|추|쓰|우|어지|러지)$/u;

export interface KoreanTerm {
  /** The noun as written at the start of the word. */
  stem: string;
  /** How it was found: the whole word, a particle taken off, or a 하다/되다 ending taken off. */
  via: 'word' | 'particle' | 'verb';
}

/**
 * The noun a Korean word contributes as a keyword candidate, or null (a predicate, an adverb, one
 * syllable). `next` is the following word: "올라가지 않는다" makes 올라가지 a predicate.
 * Stop words are the caller's business.
 */
export function koreanTerm(word: string, next = ''): KoreanTerm | null {
  if (!/^[0-9]*[가-힣][가-힣0-9]*$/u.test(word)) return null;
  let term: KoreanTerm;
  const noun = verbNoun(word);
  if (noun) term = { stem: noun, via: 'verb' };
  else {
    const stem = stripKoreanParticle(word);
    term = { stem, via: stem === word ? 'word' : 'particle' };
  }
  const { stem } = term;
  if (hangulCount(stem) < 2) return null;
  if (term.via !== 'verb' && !endsProtected(stem)) {
    if (PREDICATE_END.test(stem) || ADJECTIVE_END.test(stem)) return null;
    if (term.via === 'word' && endsWithParticle(stem)) return null; // 위에서, 물이: a one-syllable noun and its particle; 있는, 같은
    if (term.via === 'particle' && /^[은는을]$/u.test(word.slice(stem.length)) && VERB_STEM_END.test(stem)) return null; // 지키는
    if (stem.endsWith('지') && /^(?:않|말|마|못)/u.test(next)) return null; // 올라가지 않는다
  }
  return term;
}
