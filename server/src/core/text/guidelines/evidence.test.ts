import { describe, expect, it } from 'vitest';
import { evidenceFor, occurrencesIn } from './evidence';

describe('evidenceFor', () => {
  it('cites the seed examples exactly, with the whole sentence', () => {
    const pages = [
      { pageNumber: 1, text: '작업 전 보호구를 착용한다.' },
      { pageNumber: 2, text: '장비 이상 징후 발견 시 즉시 중지한다.' },
    ];
    expect(evidenceFor('보호구', pages)).toEqual([{ page_number: 1, start_offset: 5, end_offset: 8, text: '작업 전 보호구를 착용한다.' }]);
    expect(evidenceFor('장비', pages)).toEqual([{ page_number: 2, start_offset: 0, end_offset: 2, text: '장비 이상 징후 발견 시 즉시 중지한다.' }]);
    expect(evidenceFor('헬리콥터', pages)).toEqual([]);
  });

  it('matches Korean keywords at the start of a word, followed by nothing, a particle or a 하다 ending', () => {
    const text = '보호구를 쓰고 장비품과 장비를 본다. 구 보호구 장비 이상. 착용한다, 미착용 시 경고. (보호구)';
    expect(occurrencesIn('구', text).map((i) => text.slice(i - 2, i + 3))).toEqual(['. 구 보']); // never inside 보호구
    expect(occurrencesIn('장비', text).map((i) => text.slice(i, i + 3))).toEqual(['장비를', '장비 ']); // not 장비품
    expect(occurrencesIn('착용', text)).toEqual([text.indexOf('착용한다')]); // not inside 미착용
    expect(occurrencesIn('보호구', text)).toHaveLength(3);
  });

  it('matches English keywords as whole words, case-sensitive, with s/es/ed/ing after them', () => {
    const text = 'Ladder rules: ladders, a ladder\'s feet, laddering, stepladder, ladderman, LADDER.';
    expect(occurrencesIn('ladder', text).map((i) => text.slice(i).split(/[^A-Za-z]/)[0])).toEqual(['ladders', 'ladder', 'laddering']);
    expect(occurrencesIn('Ladder', text)).toEqual([0]);
    expect(occurrencesIn('MSDS', 'MSDS를 비치하고 MSDSs, XMSDS')).toEqual([0, 11]);
    expect(occurrencesIn('fire extinguisher', 'fire extinguishers and a fire  extinguisher')).toEqual([0]);
  });

  it('gives sources in page then offset order, one per sentence, at most maxSources', () => {
    const pages = [
      { pageNumber: 2, text: '안전모 착용. 안전모와 안전모를 점검.' },
      { pageNumber: 1, text: '안전모\n안전모' },
    ];
    const sources = evidenceFor('안전모', pages);
    expect(sources.map((s) => [s.page_number, s.start_offset])).toEqual([[1, 0], [1, 4], [2, 0], [2, 8]]);
    expect(evidenceFor('안전모', pages, 2)).toHaveLength(2);
    for (const s of sources) expect(pages.find((p) => p.pageNumber === s.page_number)!.text.slice(s.start_offset, s.end_offset)).toBe('안전모');
  });

  it('keeps UTF-16 offsets exact around emoji and CRLF', () => {
    const text = '⚠️🦺 보호구를 착용한다.\r\n👷‍♂️보호구 점검\r\n🔥 화재 시 대피한다.';
    const pages = [{ pageNumber: 0, text }];
    for (const keyword of ['보호구', '화재', '대피']) {
      const sources = evidenceFor(keyword, pages);
      expect(sources.length, keyword).toBeGreaterThan(0);
      for (const s of sources) expect(text.slice(s.start_offset, s.end_offset)).toBe(keyword);
    }
    expect(evidenceFor('보호구', pages).map((s) => s.text)).toEqual(['⚠️🦺 보호구를 착용한다.', '👷‍♂️보호구 점검']);
  });
});
