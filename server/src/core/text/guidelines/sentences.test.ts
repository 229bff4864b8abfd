import { describe, expect, it } from 'vitest';
import { sentencesOf } from './sentences';

/** Every sentence slices its text exactly, trimmed. */
function expectExact(text: string) {
  const sentences = sentencesOf(text);
  for (const s of sentences) {
    expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(s.text).toBe(s.text.trim());
    expect(s.text.length).toBeGreaterThan(0);
  }
  return sentences.map((s) => s.text);
}

describe('sentencesOf', () => {
  it('splits at sentence ends, line breaks (LF, CRLF, CR) and list bullets, without the bullets', () => {
    expect(expectExact('작업 전 보호구를 착용한다. 장비 이상 징후 발견 시 즉시 중지한다!\r\n사다리 위에서는 반드시 안전대를 체결한다\r사다리 점검')).toEqual([
      '작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다!', '사다리 위에서는 반드시 안전대를 체결한다', '사다리 점검',
    ]);
    expect(expectExact('1. 보호구를 착용한다. 2. 장비를 점검한다.\n- 사다리 작업 금지 ▶ 비상구 확보\n① 소화기 위치 확인 · 대피로 확인\n  • Wear a helmet.\n(3) 환기\n가. 점검\n○ 신호수 배치')).toEqual([
      '보호구를 착용한다.', '장비를 점검한다.', '사다리 작업 금지', '비상구 확보', '소화기 위치 확인', '대피로 확인', 'Wear a helmet.', '환기', '점검', '신호수 배치',
    ]);
  });

  it('keeps decimals, middots inside words and numbers that are not bullets', () => {
    expect(expectExact('1.5m 이상 높이에서는 안전대를 착용한다. 안전·보건 교육은 2.5시간이다.')).toEqual(['1.5m 이상 높이에서는 안전대를 착용한다.', '안전·보건 교육은 2.5시간이다.']);
    expect(expectExact('Keep 3 m away. Do not enter.')).toEqual(['Keep 3 m away.', 'Do not enter.']);
  });

  it('gives UTF-16 offsets with emoji and drops pieces without words', () => {
    const text = '⚠️ 🦺 보호구를 착용한다. 👷‍♀️ 안전모 착용!\n\n   \n---\n…';
    const sentences = sentencesOf(text);
    expect(expectExact(text)).toEqual(['⚠️ 🦺 보호구를 착용한다.', '👷‍♀️ 안전모 착용!']);
    expect(sentences[0]!.start).toBe(0);
    expect(sentencesOf('')).toEqual([]);
    expect(sentencesOf('  \n\t \r\n ')).toEqual([]);
  });

  it('splits one very long line (cut into chunks before Intl.Segmenter) the same way', () => {
    const text = '작업 전 보호구를 착용한다. 장비 이상 징후 발견 시 즉시 중지한다! Do not use a damaged ladder. '.repeat(600);
    const texts = expectExact(text);
    expect(texts).toHaveLength(1800);
    expect(new Set(texts)).toEqual(new Set(['작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다!', 'Do not use a damaged ladder.']));
  });
});
