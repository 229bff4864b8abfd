import { describe, expect, it } from 'vitest';
import { isKoreanSuffix, koreanTerm, stripKoreanParticle, verbNoun } from './korean-particles';

describe('stripKoreanParticle', () => {
  it('takes the longest particle off when two syllables stay', () => {
    const table: [string, string][] = [
      ['보호구를', '보호구'], ['작업자는', '작업자'], ['안전모와', '안전모'], ['현장에서', '현장'], ['사다리에서는', '사다리'],
      ['안전대를', '안전대'], ['장비가', '장비'], ['작업으로', '작업'], ['근로자에게', '근로자'], ['밀폐공간에서도', '밀폐공간'],
      ['2인1조로', '2인1조'], ['소화기의', '소화기'], ['현장까지', '현장'], ['보호구', '보호구'], ['바닥이나', '바닥'],
    ];
    for (const [word, stem] of table) expect(stripKoreanParticle(word), word).toBe(stem);
  });

  it('keeps nouns that merely end like a particle, and one-syllable stems', () => {
    for (const word of ['아이', '높이', '사이', '비상통로', '속도', '산업재해', '주의', '결과', '전도', '대피로']) expect(stripKoreanParticle(word), word).toBe(word);
    expect(stripKoreanParticle('비상통로로')).toBe('비상통로');
    expect(stripKoreanParticle('길이나')).toBe('길이');
    expect(stripKoreanParticle('위에서는')).toBe('위에서는'); // 위 + 에서는: one syllable would stay
  });
});

describe('verbNoun and koreanTerm', () => {
  it('takes 하다/되다 endings to their noun', () => {
    for (const word of ['착용한다', '착용해야', '착용하고', '착용하여', '착용할', '착용합니다', '착용하십시오', '착용하지', '착용하도록']) expect(verbNoun(word), word).toBe('착용');
    expect(verbNoun('점검하십시오')).toBe('점검');
    expect(verbNoun('설치되어야')).toBe('설치');
    expect(verbNoun('착용')).toBeNull();
    for (const word of ['최대하중', '과부하', '산업재해', '속도제한', '낙하']) expect(verbNoun(word), word).toBeNull();
    expect(koreanTerm('착용한다')).toEqual({ stem: '착용', via: 'verb' });
    expect(koreanTerm('보호구를')).toEqual({ stem: '보호구', via: 'particle' });
    expect(koreanTerm('사다리')).toEqual({ stem: '사다리', via: 'word' });
  });

  it('drops predicates, adverbs, adnominals and one-syllable nouns with their particle', () => {
    for (const word of ['있다', '않는다', '지킨다', '지켜야', '지키고', '있는', '같은', '없이', '위에서', '물이', '올바른', '미끄러운', '철저히', '지키는', '빠르게', '손']) {
      expect(koreanTerm(word), word).toBeNull();
    }
    expect(koreanTerm('올라가지', '않는다')).toBeNull();
    expect(koreanTerm('금지', '않는다')).toEqual({ stem: '금지', via: 'word' });
    expect(koreanTerm('사고')?.stem).toBe('사고');
    expect(koreanTerm('3m이상')).toBeNull();
  });

  it('knows which endings may follow a keyword inside its word', () => {
    for (const rest of ['를', '에서는', '한다', '하십시오', '해야', '이다', '입니다']) expect(isKoreanSuffix(rest), rest).toBe(true);
    for (const rest of ['품', '구', '착용', 's']) expect(isKoreanSuffix(rest), rest).toBe(false);
  });
});
