import { expect } from 'vitest';
import type { TestPlatform } from './test-platform';

/** Seed 002's example guidelines, a few more lines of them: keywords 보호구, 장비, 사다리, 안전대... */
export const KOREAN_GUIDELINES = [
  '작업 전 보호구를 착용한다.',
  '장비 이상 징후 발견 시 즉시 중지한다.',
  '사다리 위에서는 반드시 안전대를 체결한다.',
  '사다리 위에서 안전대 없이 작업하지 않는다.',
  '작업 후 장비를 점검하고 보호구를 정리한다.',
].join('\n');

/** A plan request with the seed's options; `over` replaces fields. */
export const planBody = (over: Record<string, unknown> = {}) => ({
  guidelines: KOREAN_GUIDELINES, length: '30s', selectedStyles: ['minimal', 'modern'], selectedGenres: 'hiphop',
  additionalRequirements: '', llm_model: 'gpt-4o-mini', llm_temperature: 0.4, hitl_mode: 'skip', ...over,
});

/** `POST /mv/jobs`; the job id. */
export async function submitPlan(t: TestPlatform, token: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await t.call('POST', '/mv/jobs', { token, body: planBody(over) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.job_id as string;
}

/** `POST /mv/jobs/upload` with a PDF (multipart, the fields as strings); the raw answer. */
export async function uploadPlan(t: TestPlatform, token: string, pdf: Uint8Array, fields: Record<string, string> = {}, filename = 'guidelines.pdf') {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), filename);
  for (const [k, v] of Object.entries({ length: '30s', selectedStyles: 'minimal,modern', selectedGenres: 'hiphop', hitl_mode: 'skip', ...fields })) form.set(k, v);
  const res = await t.app.request('/mv/jobs/upload', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** `GET /mv/jobs/{id}` until its status is one of `statuses` (seed 002 words). */
export async function planWhen(t: TestPlatform, token: string, jobId: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.call('GET', `/mv/jobs/${jobId}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (statuses.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`plan ${jobId} is ${res.body.status}, not ${statuses.join('|')}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every evidence source slices its page's text to its keyword exactly, on that page (seed 002 keyword_evidence). */
export function expectExactEvidence(evidence: { keyword: string; sources: { page_number: number; start_offset: number; end_offset: number; text: string }[] }[], pages: { page_number: number; text: string }[]) {
  expect(evidence.length).toBeGreaterThan(0);
  for (const { keyword, sources } of evidence) {
    expect(sources.length, keyword).toBeGreaterThan(0);
    for (const s of sources) {
      const page = pages.find((p) => p.page_number === s.page_number);
      expect(page, `${keyword} page ${s.page_number}`).toBeTruthy();
      expect(page!.text.slice(s.start_offset, s.end_offset)).toBe(keyword);
      expect(page!.text).toContain(s.text);
      expect(s.text).toContain(keyword);
    }
  }
}
