import { foldEnglishPhrase } from './english-words';

/**
 * Safety terms a keyword list should surface (seed 002 section 3: extracted_keywords): protective
 * gear, hazards, controls and equipment. A candidate found here counts SAFETY_WEIGHT times an
 * ordinary word. Korean entries are stems as stripKoreanParticle leaves them; English entries are
 * matched on their counting key (foldEnglishPhrase), single words or phrases of two or three words.
 */
export const KOREAN_SAFETY_TERMS: readonly string[] = [
  // protective gear
  '보호구', '안전모', '안전대', '안전화', '안전장갑', '장갑', '보안경', '귀마개', '귀덮개', '방진마스크', '방독마스크', '마스크', '안전조끼',
  '보호복', '보안면', '안전벨트', '안전고리', '구명조끼', '호흡보호구', '송기마스크',
  // hazards
  '추락', '낙하', '낙하물', '비래', '감전', '화재', '폭발', '질식', '끼임', '협착', '전도', '붕괴', '충돌', '베임', '절단', '화상', '중독',
  '누전', '유해가스', '산소결핍', '미끄럼', '넘어짐', '부딪힘', '깔림',
  // controls
  '환기', '점검', '비상구', '소화기', '대피', '대피로', '절연', '접지', '누전차단기', '차단', '잠금', '잠금장치', '표지', '안전표지',
  '경고표지', '신호수', '유도자', '감시인', '2인1조', '작업허가', '방호장치', '방호덮개', '비상정지', '비상정지장치', '응급처치', '정리정돈',
  '안전통로', '통로', '안전난간', '난간', '덮개', '개구부', '가스농도', '산소농도', '측정', '작업발판', '안전망', '물질안전보건자료',
  // equipment and places
  '장비', '사다리', '비계', '고소작업', '고소작업대', '지게차', '크레인', '호이스트', '컨베이어', '밀폐공간', '가스', '유해물질', '화학물질',
  '용접', '화기작업', '전원', '전기', '안전교육',
];

/** English safety terms, as written in the lexicon (matched on their counting keys). */
export const ENGLISH_SAFETY_TERMS: readonly string[] = [
  // protective gear
  'helmet', 'hard hat', 'hardhat', 'harness', 'lanyard', 'goggles', 'safety glasses', 'face shield', 'gloves', 'safety shoes', 'safety boots',
  'boots', 'earplugs', 'ear protection', 'hearing protection', 'respirator', 'dust mask', 'mask', 'vest', 'high-visibility vest', 'ppe',
  'fall protection', 'life jacket',
  // hazards
  'fall', 'falling objects', 'electrocution', 'electric shock', 'shock', 'fire', 'explosion', 'suffocation', 'asphyxiation', 'pinch point',
  'entanglement', 'collapse', 'collision', 'burn', 'slip', 'trip', 'spill', 'toxic', 'fumes', 'gas', 'chemical', 'hazardous materials',
  'hazardous substances',
  // controls
  'lockout', 'tagout', 'loto', 'ventilation', 'fire extinguisher', 'extinguisher', 'evacuation', 'evacuate', 'emergency exit', 'exit',
  'first aid', 'inspection', 'inspect', 'guardrail', 'railing', 'barricade', 'warning sign', 'safety sign', 'signal', 'spotter',
  'signal person', 'insulation', 'insulated', 'grounding', 'circuit breaker', 'emergency stop', 'machine guard', 'guard', 'permit',
  'work permit', 'hot work', 'fire watch', 'gas detector', 'msds', 'sds', 'safety data sheet', 'buddy system', 'housekeeping',
  // equipment and places
  'equipment', 'ladder', 'scaffold', 'scaffolding', 'forklift', 'crane', 'hoist', 'conveyor', 'confined space', 'aerial lift', 'welding',
  'power tools', 'electrical panel',
];

const KOREAN_SET: ReadonlySet<string> = new Set(KOREAN_SAFETY_TERMS);
const ENGLISH_KEYS: ReadonlySet<string> = new Set(ENGLISH_SAFETY_TERMS.map(foldEnglishPhrase));

/** English lexicon phrases by their first word, lowercase (for finding them in running text). */
export const ENGLISH_PHRASES: ReadonlyMap<string, readonly string[][]> = (() => {
  const map = new Map<string, string[][]>();
  for (const term of ENGLISH_SAFETY_TERMS) {
    const words = term.split(/[\s-]+/);
    if (words.length < 2) continue;
    const list = map.get(words[0]!) ?? [];
    list.push(words);
    map.set(words[0]!, list);
  }
  for (const list of map.values()) list.sort((a, b) => b.length - a.length);
  return map;
})();

/** Whether a Korean stem is a safety term (Latin acronyms in Korean text, like MSDS, go through the English list). */
export const isKoreanSafetyTerm = (stem: string): boolean => KOREAN_SET.has(stem);

/** Whether an English counting key (foldEnglishPhrase) is a safety term. */
export const isEnglishSafetyKey = (key: string): boolean => ENGLISH_KEYS.has(key);

/** How much a safety term's count weighs against an ordinary word's. */
export const SAFETY_WEIGHT = 2;
