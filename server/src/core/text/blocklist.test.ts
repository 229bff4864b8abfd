import { describe, expect, it } from 'vitest';
import { compileBlocklist } from './blocklist';

const list = compileBlocklist(['nude', 'sex', 'mickey mouse', '누드', '섹스', '야동', '나체', '  ']);

describe('compileBlocklist', () => {
  it('finds a term however it is spelt: case, width, accents, invisible characters, look-alike letters, spacing', () => {
    for (const text of [
      'a NUDE portrait', 'nudes on a beach', 'ｎｕｄｅ', 'nu\u200Bde', 'nüdé', 'nudе (Cyrillic e)', 'ηude', 'nud3', 'n u d e', 'a n.u.d.e figure', 'N-U-D-E',
    ]) expect(list.find(text), text).toBe('nude');
    expect(list.find('$ex scene')).toBe('sex');
    expect(list.find('Mickey   Mouse at the fair')).toBe('mickey mouse');
    expect(list.find('mickeymouse')).toBe('mickey mouse');
    for (const text of ['nu de', 'se x scene', 'a sexy pose', 'se xy']) expect(list.find(text), text).toMatch(/^(nude|sex)$/);
  });

  it('finds a Korean term typed as jamo, split by spaces, or followed by a particle', () => {
    for (const text of ['누드 사진', '누 드', 'ㄴㅜㄷㅡ', '누드를 그려줘', '  누-드  ']) expect(list.find(text), text).toBe('누드');
    for (const text of ['섹스', 'ㅅㅔㄱㅅㅡ', '섹 스 장면', '섹스를']) expect(list.find(text), text).toBe('섹스');
    expect(list.find('ㅇㅑㄷㅗㅇ 보여줘')).toBe('야동');
  });

  it('leaves words that merely contain a Latin term, and ordinary prompts, alone', () => {
    for (const text of [
      'a cottage in Sussex', 'Essex coastline at dawn', 'a nudibranch in a coral reef', 'unisex clothing', 'a mouse named Mickey',
      '붉은 노을 아래의 기사, 유화 스타일', '누나와 드라마를 보는 장면', 'cute cat 🐱 with a hat', '',
      'a sextant on the deck', 'a string sextet', 'the sexton of the church', 'the Nudelman family',
      '친구야 동물원 가자', '바나나 체리 섹션', '누나 체육복',
    ]) expect(list.find(text), text).toBeNull();
  });

  it('ignores blank terms, and an empty list finds nothing', () => {
    expect(compileBlocklist([]).find('anything at all')).toBeNull();
    expect(compileBlocklist(['', '   ']).find('   ')).toBeNull();
  });
});
