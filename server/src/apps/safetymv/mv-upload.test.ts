import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactEvidence, planWhen, uploadPlan } from '../../testing/mv-flow';
import { encryptedPdf, imageOnlyPdf, longPdf, oversizedPdf, textPdf } from '../../testing/pdf-fixtures';
import { balanceOf } from '../../testing/studio-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t?.dispose());

const KOREAN_PAGES = [
  ['건설 현장 안전 수칙', '작업 전 보호구를 착용한다.', '안전모와 안전화는 항상 착용한다.'],
  ['장비 점검', '장비 이상 징후 발견 시 즉시 중지한다.', '장비를 점검한 뒤 기록한다.'],
  ['고소 작업', '사다리 위에서는 반드시 안전대를 체결한다.', '사다리 위에서 안전대 없이 작업하지 않는다.'],
];
const ENGLISH_PAGES = [
  ['Warehouse safety rules', 'Wear a helmet and safety boots at all times.', 'Check the forklift before every shift.'],
  ['Forklift operation', 'Never drive a forklift with the forks raised.', 'Report any forklift fault to the supervisor at once.'],
];

describe('seed 002 POST /mv/jobs/upload', () => {
  it.each([
    ['Korean', KOREAN_PAGES, ['보호구', '장비', '사다리', '안전대']],
    ['English', ENGLISH_PAGES, ['forklift', 'helmet']],
  ])('a %s PDF: keywords whose evidence slices each page\'s text to the keyword, on the right page', async (_lang, pages, expected) => {
    const { token } = await t.signUp();
    const res = await uploadPlan(t, token, textPdf(pages as string[][]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const done = await planWhen(t, token, res.body.job_id, ['completed', 'failed']);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    const a = done.result.job.artifacts;
    expect(a.extracted_keywords).toEqual(expect.arrayContaining(expected as string[]));
    const served = (await t.call('GET', `/mv/jobs/${res.body.job_id}/pages`, { token })).body.pages;
    expect(served.map((p: { page_number: number }) => p.page_number)).toEqual((pages as string[][]).map((_, i) => i + 1));
    served.forEach((p: { text: string }, i: number) => expect(p.text.split('\n')).toEqual((pages as string[][])[i]));
    expectExactEvidence(a.keyword_evidence, served);
    // Each keyword is cited on the pages that hold it, and only there.
    for (const { keyword, sources } of a.keyword_evidence as { keyword: string; sources: { page_number: number }[] }[]) {
      for (const s of sources) expect((pages as string[][])[s.page_number - 1]!.join('\n')).toContain(keyword);
    }
  });

  it('typed guidelines beside a PDF are page 0, the PDF pages 1..n', async () => {
    const { token } = await t.signUp();
    const res = await uploadPlan(t, token, textPdf([KOREAN_PAGES[1]!]), { guidelines: '작업 전 보호구를 착용한다.' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const done = await planWhen(t, token, res.body.job_id, ['completed', 'failed']);
    const served = (await t.call('GET', `/mv/jobs/${res.body.job_id}/pages`, { token })).body.pages;
    expect(served.map((p: { page_number: number }) => p.page_number)).toEqual([0, 1]);
    const pages = (done.result.job.artifacts.keyword_evidence as { keyword: string; sources: { page_number: number }[] }[]);
    expect(pages.find((e) => e.keyword === '보호구')!.sources.map((s) => s.page_number)).toEqual([0]);
    expect(pages.find((e) => e.keyword === '장비')!.sources.every((s) => s.page_number === 1)).toBe(true);
    expectExactEvidence(done.result.job.artifacts.keyword_evidence, served);
  });

  it('refuses PDFs it cannot use with a 400 that says which, before any charge', async () => {
    const { token } = await t.signUp();
    const before = await balanceOf(t, token);
    const cases: [string, Uint8Array, string, string][] = [
      ['encrypted (a user password)', encryptedPdf({ userPassword: 'secret' }), 'PDF_ENCRYPTED', 'password'],
      ['encrypted (an owner password only)', encryptedPdf({ userPassword: '', ownerPassword: 'owner' }), 'PDF_ENCRYPTED', 'encrypted'],
      ['image-only', imageOnlyPdf(), 'PDF_NO_TEXT', 'no extractable text'],
      ['over 100 pages', longPdf(101), 'PDF_TOO_MANY_PAGES', '101 pages'],
      ['over 20 MB', oversizedPdf(20 * 1024 * 1024 + 1), 'PDF_TOO_LARGE', 'at most 20 MB'],
      ['not a PDF', Buffer.from('\x89PNG\r\n\x1a\n not a pdf at all'), 'NOT_A_PDF', 'not a PDF'],
      ['truncated', textPdf([['작업 전 보호구를 착용한다.']]).subarray(0, 200), 'PDF_UNREADABLE', 'cannot be read'],
    ];
    for (const [what, pdf, code, words] of cases) {
      const res = await uploadPlan(t, token, pdf);
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe(code);
      expect(res.body.error.message, what).toContain(words);
    }
    // Exactly 100 pages is accepted.
    expect((await uploadPlan(t, token, longPdf(100))).status).toBe(200);
    expect(await balanceOf(t, token)).toBe(before - 3);
  });

  it('says what to fix for a missing file, a bad field and a body that is not multipart', async () => {
    const { token } = await t.signUp();
    const form = new FormData();
    form.set('length', '30s');
    const noFile = await t.app.request('/mv/jobs/upload', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(noFile.status).toBe(400);
    expect((await noFile.json()).error.code).toBe('FILE_REQUIRED');
    const badStyle = await uploadPlan(t, token, textPdf([['작업 전 보호구를 착용한다.']]), { selectedStyles: 'minimal, baroque' });
    expect(badStyle.status).toBe(400);
    expect(badStyle.body.error.message).toContain('selectedStyles');
    const badTemp = await uploadPlan(t, token, textPdf([['작업 전 보호구를 착용한다.']]), { llm_temperature: 'warm' });
    expect(badTemp.body.error.message).toBe('llm_temperature must be a number from 0 to 2');
    const hexTemp = await uploadPlan(t, token, textPdf([['작업 전 보호구를 착용한다.']]), { llm_temperature: '0x1' });
    expect(hexTemp.body.error.message).toBe('llm_temperature must be a number from 0 to 2');
    const two = new FormData();
    for (const name of ['a.pdf', 'b.pdf']) two.append('file', new Blob([new Uint8Array(textPdf([['작업 전 보호구를 착용한다.']]))], { type: 'application/pdf' }), name);
    const twoFiles = await t.app.request('/mv/jobs/upload', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: two });
    expect(twoFiles.status).toBe(400);
    expect((await twoFiles.json()).error).toMatchObject({ code: 'ONE_FILE_ONLY', message: 'file: send one PDF (got 2)' });
    const numbers = await uploadPlan(t, token, textPdf([['1 2 3 4 5'], ['2024 3.14']]));
    expect(numbers.body.error).toMatchObject({ code: 'NO_GUIDELINES_FOUND', message: expect.stringMatching(/^file: found no safety guidelines/) });
    const huge = await uploadPlan(t, token, oversizedPdf(30 * 1024 * 1024));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'The upload is larger than 24 MB in all; send a smaller file' });
    const json = await t.call('POST', '/mv/jobs/upload', { token, body: { guidelines: 'x' } });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toContain('multipart/form-data');
  });
});
