import { describe, expect, it } from 'vitest';
import { analyzeGuidelines, sentencesOf, type GuidelineAnalysis, type SourcePage } from './analyze-guidelines';

/** The hard rule, for every keyword and source: the page's text slices to the keyword exactly, and `text` is the sentence holding it. */
function expectExactEvidence(a: GuidelineAnalysis, pages: SourcePage[], maxSources = 5) {
  expect(a.evidence.map((e) => e.keyword)).toEqual(a.keywords);
  expect(new Set(a.keywords).size).toBe(a.keywords.length);
  for (const { keyword, sources } of a.evidence) {
    expect(sources.length, keyword).toBeGreaterThan(0);
    expect(sources.length, keyword).toBeLessThanOrEqual(maxSources);
    let last: [number, number] = [-Infinity, -Infinity];
    for (const s of sources) {
      const page = pages.find((p) => p.pageNumber === s.page_number)!;
      expect(page, `${keyword} on page ${s.page_number}`).toBeTruthy();
      expect(page.text.slice(s.start_offset, s.end_offset), keyword).toBe(keyword);
      const sentence = sentencesOf(page.text).find((x) => x.start <= s.start_offset && s.end_offset <= x.end);
      expect(sentence?.text, keyword).toBe(s.text);
      expect(s.text).toBe(s.text.trim());
      expect(s.page_number > last[0] || (s.page_number === last[0] && s.start_offset > last[1]), keyword).toBe(true);
      last = [s.page_number, s.start_offset];
    }
  }
  const allSentences = pages.flatMap((p) => sentencesOf(p.text).map((s) => s.text));
  for (const point of [...a.keyPoints, ...a.prohibitions]) {
    expect(allSentences).toContain(point);
    expect(point.length).toBeLessThanOrEqual(200);
  }
}

const KOREAN_PAGES: SourcePage[] = [
  {
    pageNumber: 1,
    text: [
      '건설현장 고소작업 안전수칙',
      '1. 작업 전 안전모, 안전화, 안전대 등 보호구를 반드시 착용한다.',
      '2. 사다리는 평탄하고 견고한 바닥에 설치하고, 사다리 위에서는 2인1조로 작업한다.',
      '3. 높이 2m 이상의 고소작업 시에는 안전대를 안전고리에 체결해야 한다.',
      '※ 보호구를 착용하지 않은 작업자는 현장에 출입할 수 없다.',
    ].join('\n'),
  },
  {
    pageNumber: 2,
    text: [
      '전기 및 화재 예방',
      '- 전기설비 점검 시 전원을 차단하고 잠금장치와 표지를 설치한다.',
      '- 젖은 손으로 전기 기계·기구를 만지지 마십시오.',
      '- 화기작업 전에는 소화기를 비치하고 주변 가연물을 제거한다.',
      '- 작업장 내 흡연을 금지한다.',
      '- 비상구와 대피로에 물건을 적재하지 말 것.',
    ].join('\n'),
  },
  {
    pageNumber: 3,
    text: [
      '밀폐공간 작업',
      '① 밀폐공간에 들어가기 전 산소농도와 유해가스를 측정한다.',
      '② 작업 중에는 환기를 계속 실시하고 감시인을 배치한다.',
      '③ 이상 징후 발견 시 즉시 작업을 중지하고 대피한다.',
      '④ 구조를 위해 보호구 없이 밀폐공간에 들어가서는 안 된다.',
      '지게차 운행 시 신호수의 지시에 따르고, 지게차 포크 위에 사람을 태우지 않는다.',
    ].join('\n'),
  },
];

const ENGLISH_PAGES: SourcePage[] = [
  {
    pageNumber: 1,
    text: [
      'Ladder and Scaffold Safety',
      'Always wear a helmet and safety glasses on site.',
      'Inspect ladders before each use; never use a damaged ladder.',
      'Helmets must be worn at all times in the work area.',
      'Do not stand on the top two rungs of a ladder.',
      'Scaffolds must have guardrails on all open sides.',
    ].join('\n'),
  },
  {
    pageNumber: 2,
    text: [
      'Confined Space and Fire',
      'Test the atmosphere before entering a confined space.',
      'Ventilation must run continuously while workers are inside confined spaces.',
      'Keep a fire extinguisher within reach during hot work.',
      'Smoking is prohibited near fuel and gas cylinders.',
      'Lockout and tagout all energy sources before servicing equipment.',
    ].join('\n'),
  },
];

describe('analyzeGuidelines: seed 002 examples', () => {
  it('finds 보호구 on page 1 and 장비 on page 2, sliced exactly', () => {
    const pages = [
      { pageNumber: 1, text: '작업 전 보호구를 착용한다.' },
      { pageNumber: 2, text: '장비 이상 징후 발견 시 즉시 중지한다.' },
    ];
    const a = analyzeGuidelines(pages);
    expect(a.keywords).toEqual(expect.arrayContaining(['보호구', '장비']));
    expect(a.evidence.find((e) => e.keyword === '보호구')!.sources).toEqual([{ page_number: 1, start_offset: 5, end_offset: 8, text: '작업 전 보호구를 착용한다.' }]);
    expect(a.evidence.find((e) => e.keyword === '장비')!.sources).toEqual([{ page_number: 2, start_offset: 0, end_offset: 2, text: '장비 이상 징후 발견 시 즉시 중지한다.' }]);
    expect(a.keyPoints).toEqual(['작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다.']);
    expect(a.language).toBe('ko');
    expectExactEvidence(a, pages);
  });

  it('analyses typed guidelines as page 0', () => {
    const text = ['작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다.', '사다리 위에서는 반드시 안전대를 체결한다.', '사다리 위에서 안전대 없이 작업하지 않는다.', '작업 후 장비를 점검하고 보호구를 정리한다.'].join('\n');
    const pages = [{ pageNumber: 0, text }];
    const a = analyzeGuidelines(pages);
    expect(a.keywords.slice(0, 4)).toEqual(['보호구', '장비', '사다리', '안전대']);
    expect(a.evidence[0]!.sources[0]).toEqual({ page_number: 0, start_offset: 5, end_offset: 8, text: '작업 전 보호구를 착용한다.' });
    expect(a.keyPoints).toContain('작업 전 보호구를 착용한다.');
    expect(a.prohibitions).toEqual(['사다리 위에서 안전대 없이 작업하지 않는다.']);
    for (const junk of ['위에서', '즉시', '있다', '한다', '없이']) expect(a.keywords).not.toContain(junk);
    expectExactEvidence(a, pages);
  });
});

describe('analyzeGuidelines: realistic guidelines', () => {
  it('a 3-page Korean guideline: safety keywords, exact evidence, key points and prohibitions', () => {
    const a = analyzeGuidelines(KOREAN_PAGES);
    expect(a.language).toBe('ko');
    expect(a.keywords).toHaveLength(12);
    expect(a.keywords).toEqual(expect.arrayContaining(['보호구', '안전대', '사다리', '밀폐공간', '고소작업', '2인1조']));
    expect(a.keywords).not.toContain('작업');
    expectExactEvidence(a, KOREAN_PAGES);
    const protective = a.evidence.find((e) => e.keyword === '보호구')!;
    expect(protective.sources.map((s) => s.page_number)).toEqual([1, 1, 3]);
    expect(protective.sources[0]!.text).toBe('작업 전 안전모, 안전화, 안전대 등 보호구를 반드시 착용한다.');
    expect(a.keyPoints.length).toBeGreaterThan(0);
    expect(a.keyPoints.length).toBeLessThanOrEqual(8);
    expect(a.keyPoints).not.toContain('건설현장 고소작업 안전수칙'); // a title, not a key point
    expect(a.prohibitions).toEqual([
      '젖은 손으로 전기 기계·기구를 만지지 마십시오.',
      '작업장 내 흡연을 금지한다.',
      '비상구와 대피로에 물건을 적재하지 말 것.',
      '구조를 위해 보호구 없이 밀폐공간에 들어가서는 안 된다.',
      '지게차 운행 시 신호수의 지시에 따르고, 지게차 포크 위에 사람을 태우지 않는다.',
    ]);
  });

  it('a 2-page English guideline: folded counts, one surface per keyword, lexicon phrases', () => {
    const a = analyzeGuidelines(ENGLISH_PAGES);
    expect(a.language).toBe('en');
    expect(a.keywords).toEqual(expect.arrayContaining(['ladder', 'helmet', 'confined space', 'fire extinguisher', 'safety glasses']));
    expect(a.keywords).not.toContain('ladders');
    expect(a.keywords).not.toContain('Helmets');
    expectExactEvidence(a, ENGLISH_PAGES);
    // "ladder" cites "ladders" too (the slice is still "ladder"); "confined space" cites "confined spaces".
    const ladder = a.evidence.find((e) => e.keyword === 'ladder')!;
    expect(ladder.sources.map((s) => s.text)).toEqual(['Inspect ladders before each use; never use a damaged ladder.', 'Do not stand on the top two rungs of a ladder.']);
    expect(a.evidence.find((e) => e.keyword === 'confined space')!.sources).toHaveLength(2);
    expect(a.prohibitions).toEqual([
      'Inspect ladders before each use; never use a damaged ladder.',
      'Do not stand on the top two rungs of a ladder.',
      'Smoking is prohibited near fuel and gas cylinders.',
    ]);
    expect(a.keyPoints).toContain('Do not stand on the top two rungs of a ladder.');
    expect(a.keyPoints).not.toContain('Ladder and Scaffold Safety');
  });

  it('mixed Korean and English text', () => {
    const pages = [{ pageNumber: 1, text: '작업 전 MSDS를 확인하고 보호구를 착용한다.\nAlways wear a helmet. 지게차 주변 접근 금지.\nLockout the forklift before repair; helmets on.' }];
    const a = analyzeGuidelines(pages);
    expect(a.language).toBe('mixed');
    expect(a.keywords).toEqual(expect.arrayContaining(['MSDS', '보호구', '지게차', 'helmet', 'forklift', 'Lockout']));
    expectExactEvidence(a, pages);
    expect(a.prohibitions).toEqual(['지게차 주변 접근 금지.']);
  });
});

describe('analyzeGuidelines: edges', () => {
  it('keeps a proposed keyword only when the text holds it; a proposed spelling of a known keyword boosts it', () => {
    const pages = [{ pageNumber: 0, text: '작업 전 보호구를 착용한다.\n용접 작업 시 불티 비산을 막는다.\n장비를 점검한다.' }];
    const without = analyzeGuidelines(pages);
    const a = analyzeGuidelines(pages, { proposedKeywords: ['헬리콥터', '불티', '보호구를', 'helmet', '  ', '있다'] });
    expect(a.keywords).not.toContain('헬리콥터');
    expect(a.keywords).not.toContain('helmet');
    expect(a.keywords).not.toContain('보호구를');
    expect(a.keywords).toContain('불티');
    expect(without.keywords.indexOf('비산')).toBeGreaterThan(without.keywords.indexOf('불티'));
    const boosted = analyzeGuidelines(pages, { proposedKeywords: ['비산'] });
    expect(boosted.keywords.indexOf('비산')).toBeLessThan(boosted.keywords.indexOf('불티'));
    expectExactEvidence(a, pages);
    // Multi-word proposals are kept as written when found at word boundaries.
    expect(analyzeGuidelines(pages, { proposedKeywords: ['불티 비산'] }).keywords).toContain('불티 비산');
  });

  it('empty and whitespace pages', () => {
    expect(analyzeGuidelines([])).toEqual({ keywords: [], keyPoints: [], evidence: [], prohibitions: [], language: 'ko' });
    expect(analyzeGuidelines([{ pageNumber: 1, text: '' }, { pageNumber: 2, text: ' \n\t\r\n ' }])).toEqual({ keywords: [], keyPoints: [], evidence: [], prohibitions: [], language: 'ko' });
    const pages = [{ pageNumber: 1, text: '   ' }, { pageNumber: 2, text: '\n\n  작업 전 보호구를 착용한다.  \n' }];
    const a = analyzeGuidelines(pages);
    expect(a.evidence[0]).toEqual({ keyword: '보호구', sources: [{ page_number: 2, start_offset: 9, end_offset: 12, text: '작업 전 보호구를 착용한다.' }] });
  });

  it('emoji and CRLF line ends keep offsets exact', () => {
    const text = '⚠️ 안전 수칙 🦺\r\n👷 작업 전 보호구를 착용한다.\r\n🔥 화재 발생 시 소화기를 사용하고 대피한다.\r\n🚫 사다리 위에서 뛰지 마십시오.\r\n';
    const pages = [{ pageNumber: 1, text }];
    const a = analyzeGuidelines(pages);
    expect(a.keywords).toEqual(expect.arrayContaining(['보호구', '화재', '소화기', '사다리']));
    expectExactEvidence(a, pages);
    expect(a.evidence.find((e) => e.keyword === '보호구')!.sources[0]!.start_offset).toBe(text.indexOf('보호구'));
    expect(a.prohibitions).toEqual(['🚫 사다리 위에서 뛰지 마십시오.']);
    for (const s of [...a.keyPoints, ...a.prohibitions]) expect(s).not.toMatch(/[\r\n]/);
  });

  it('respects the limits, skips long sentences and leaves running headers and footers out', () => {
    const long = `보호구를 착용한다 ${'그리고 주변을 정리한다 '.repeat(20)}.`;
    const pages = [1, 2, 3, 4].map((n) => ({
      pageNumber: n,
      text: `한국안전공사 안전지침\n사다리 점검을 실시한다. ${n}번 구역 보호구 착용.\n${long}\n${n}층 소화기 위치를 확인한다.\n안전지침 안전수칙 - ${n} -`,
    }));
    const a = analyzeGuidelines(pages, { maxKeywords: 2, maxKeyPoints: 3, maxSourcesPerKeyword: 2 });
    expect(a.keywords).toHaveLength(2);
    expect(a.keyPoints).toHaveLength(3);
    for (const p of a.keyPoints) {
      expect(p.length).toBeLessThanOrEqual(200);
      expect(p).not.toMatch(/안전지침/);
    }
    expect(a.keywords).not.toContain('한국안전공사');
    expectExactEvidence(a, pages, 2);
    expect(new Set(a.keyPoints).size).toBe(a.keyPoints.length);
  });

  it('is deterministic', () => {
    expect(analyzeGuidelines(KOREAN_PAGES)).toEqual(analyzeGuidelines(KOREAN_PAGES));
    expect(analyzeGuidelines([...KOREAN_PAGES].reverse())).toEqual(analyzeGuidelines(KOREAN_PAGES));
  });

  it('runs on 100 pages of about 1,500 characters', () => {
    const base = [...KOREAN_PAGES, ...ENGLISH_PAGES].map((p) => p.text).join('\n');
    const pages = Array.from({ length: 100 }, (_, i) => ({ pageNumber: i + 1, text: `${i}쪽 ${base}`.repeat(2).slice(0, 1500) }));
    analyzeGuidelines(pages.slice(0, 2)); // warm up
    const t0 = performance.now();
    const a = analyzeGuidelines(pages);
    const ms = performance.now() - t0;
    console.log(`analyzeGuidelines: 100 pages, ${pages.reduce((n, p) => n + p.text.length, 0)} characters in ${ms.toFixed(1)} ms`);
    expect(a.keywords.length).toBe(12);
    expectExactEvidence(a, pages);
  });
});
