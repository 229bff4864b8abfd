import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactEvidence, KOREAN_GUIDELINES, planWhen, submitPlan } from '../../testing/mv-flow';
import { balanceOf, fetchMedia } from '../../testing/studio-flow';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t?.dispose());

const pagesOf = async (token: string, jobId: string) => (await t.call('GET', `/mv/jobs/${jobId}/pages`, { token })).body.pages;

describe('seed 002 over HTTP on the stubs', () => {
  it('hitl_mode skip: completed with keywords, exact evidence, the plan and the character image; charged the plan and its image', async () => {
    const { token } = await t.signUp();
    const before = await balanceOf(t, token);
    const jobId = await submitPlan(t, token, { hitl_mode: 'skip' });
    expect(jobId).toMatch(/^job_/);
    const done = await planWhen(t, token, jobId, ['completed', 'failed']);
    expect(done, JSON.stringify(done)).toMatchObject({ job_id: jobId, status: 'completed', progress: 1, error: null, state: 'STYLE_BIND' });
    expect(done.result.state_history).toEqual(['INIT', 'CONCEPT_GEN', 'QA', 'LOCK_BLUEPRINT_CORE', 'STYLE_BIND']);
    expect(done.result.hitl).toEqual({ requires_human: false });
    expect(done.result.job.state).toBe('STYLE_BIND');
    const a = done.result.job.artifacts;
    expect(a.extracted_keywords).toEqual(expect.arrayContaining(['보호구', '장비', '사다리', '안전대']));
    expect(a.key_points).toContain('작업 전 보호구를 착용한다.');
    const pages = await pagesOf(token, jobId);
    expect(pages.map((p: { page_number: number }) => p.page_number)).toEqual([0]);
    expectExactEvidence(a.keyword_evidence, pages);
    const protective = a.keyword_evidence.find((e: { keyword: string }) => e.keyword === '보호구');
    expect(protective.sources[0]).toEqual({ page_number: 0, start_offset: 5, end_offset: 8, text: '작업 전 보호구를 착용한다.' });

    expect(a.concepts.length).toBeGreaterThanOrEqual(2);
    expect(a.blueprint.mv_script[0].start).toBe(0);
    expect(a.blueprint.mv_script.at(-1).end).toBe(30);
    expect(a.media_plan).toMatchObject({
      character_asset_id: a.character_asset.asset_id,
      character_job: { job_id: 'character_ref', provider: 'stub-image', api_key_env: null, type: 'image', asset_id: a.character_asset.asset_id },
      music_job: { provider: 'stub-music', api_key_env: null, duration_seconds: 30 },
    });
    expect(a.media_plan.video_jobs.length).toBeGreaterThanOrEqual(a.blueprint.mv_script.length);
    for (const v of a.media_plan.video_jobs) expect(v).toMatchObject({ type: 'video', character_reference: 'character_ref', character_asset_id: a.character_asset.asset_id });
    expect(Math.max(...a.media_plan.video_jobs.map((v: { duration_seconds: number }) => v.duration_seconds))).toBeLessThanOrEqual(8);
    expect(done.result.trace.some((l: string) => l.startsWith('[INIT] read 1 page'))).toBe(true);

    // Seed 002 sections 5 and 6: the character, ready, with a signed URL and its bytes.
    await t.waitForJob(jobId, ['completed']);
    const character = await t.call('GET', `/mv/jobs/${jobId}/character`, { token });
    expect(character.body).toMatchObject({ asset_id: a.character_asset.asset_id, status: 'ready' });
    const viaUrl = await fetchMedia(t, character.body.preview_url);
    expect(viaUrl.type).toBe('image/png');
    const image = await t.app.request(`/mv/jobs/${jobId}/character/image`, { headers: { authorization: `Bearer ${token}` } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.equals(viaUrl.body)).toBe(true);
    expect(await t.deps.media.inspectImage(bytes)).toMatchObject({ width: 768, height: 1024 });
    expect((await t.call('GET', `/mv/jobs/${jobId}`, { token })).body.result.job.artifacts.character_asset.status).toBe('ready');
    expect(await balanceOf(t, token)).toBe(before - 3);

    // The language model was asked with the request's model and temperature.
    const calls = await t.call('GET', `/v1/admin/jobs/${jobId}/calls`, { token: TEST_ADMIN_KEY });
    expect(calls.body.calls.map((c: { capability: string }) => c.capability)).toEqual(['text', 'image']);

    // Someone else's job is not found; nor are its character and pages.
    const other = await t.signUp();
    for (const path of ['', '/character', '/character/image', '/pages']) {
      const res = await t.call('GET', `/mv/jobs/${jobId}${path}`, { token: other.token });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('JOB_NOT_FOUND');
    }
  });

  it('hitl_mode always: waits at HITL with the concepts; a review is checked, then resumes at LOCK_BLUEPRINT_CORE with the edits', async () => {
    const { token } = await t.signUp();
    const jobId = await submitPlan(t, token, { hitl_mode: 'always', length: '60s' });
    const waiting = await planWhen(t, token, jobId, ['hitl_required', 'failed']);
    expect(waiting, JSON.stringify(waiting)).toMatchObject({ status: 'hitl_required', progress: 0.8, state: 'HITL', error: null });
    expect(waiting.result.state_history).toEqual(['INIT', 'CONCEPT_GEN', 'QA', 'HITL']);
    expect(waiting.result.job.state).toBe('HITL');
    expect(waiting.result.hitl).toMatchObject({ requires_human: true, selected_concept_id: expect.stringMatching(/^c\d$/) });
    const concepts = waiting.result.job.artifacts.concepts;
    expect(concepts.map((c: { concept_id: string }) => c.concept_id)).toEqual(['c1', 'c2', 'c3']);
    for (const c of concepts) expect(c.qa).toMatchObject({ concept_id: c.concept_id, timing_problems: [] });
    expect(waiting.result.job.artifacts.media_plan).toBeUndefined();
    expect((await t.call('GET', `/mv/jobs/${jobId}/character`, { token })).body.error.code).toBe('CHARACTER_NOT_READY');

    const review = (body: Record<string, unknown>) => t.call('POST', `/mv/jobs/${jobId}/hitl`, { token, body });
    let res = await review({ selected_concept_id: 'c9' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'CONCEPT_NOT_FOUND', message: expect.stringContaining('c1, c2, c3') });
    res = await review({ selected_concept_id: 'c2', edited_mv_script: [{ start: 0, end: 20, description: '보호구 착용' }, { start: 25, end: 60, description: '장비 점검' }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_MV_SCRIPT', message: expect.stringContaining('a gap between scene 1 (ends 20s) and scene 2 (starts 25s)') });
    res = await review({ selected_concept_id: 'c2', edited_mv_script: [{ start: 0, end: 30, description: '보호구 착용' }, { start: 20, end: 60, description: '장비 점검' }] });
    expect(res.body.error.message).toContain('overlaps');
    res = await review({ selected_concept_id: 'c2', edited_mv_script: [{ start: 0, end: 30, description: '보호구 착용' }] });
    expect(res.body.error.message).toContain('must end at the video\'s length, 60s');
    res = await review({ job_id: 'job_other', selected_concept_id: 'c2' });
    expect(res.body.error.code).toBe('JOB_ID_MISMATCH');
    res = await review({ selected_concept_id: 'c2', edited_lyrics: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('edited_lyrics must be a string');
    const other = await t.signUp();
    expect((await t.call('POST', `/mv/jobs/${jobId}/hitl`, { token: other.token, body: { selected_concept_id: 'c2' } })).status).toBe(404);

    const script = [
      { start: 0, end: 12, description: '작업자가 보호구를 착용하고 장비를 점검한다' },
      { start: 12, end: 60, description: '사다리 위에서 안전대를 체결하고 작업한다' },
    ];
    res = await review({ job_id: jobId, selected_concept_id: 'c2', edited_lyrics: '보호구 쓰고\n장비 보고\n안전대 걸고', edited_mv_script: script });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ job_id: jobId, status: 'running' });
    // The wait is spent: a second review finds nothing to resume.
    const again = await review({ selected_concept_id: 'c1' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('JOB_NOT_IN_REVIEW');

    const done = await planWhen(t, token, jobId, ['completed', 'failed']);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.result.state_history).toEqual(['INIT', 'CONCEPT_GEN', 'QA', 'HITL', 'LOCK_BLUEPRINT_CORE', 'STYLE_BIND']);
    expect(done.result.hitl).toEqual({ requires_human: false, reviewed: true, selected_concept_id: 'c2' });
    const blueprint = done.result.job.artifacts.blueprint;
    expect(blueprint).toMatchObject({ concept_id: 'c2', lyrics: '보호구 쓰고\n장비 보고\n안전대 걸고', edited: true, length_seconds: 60 });
    expect(blueprint.mv_script.map((s: { scene_id: string; start: number; end: number }) => [s.scene_id, s.start, s.end])).toEqual([['scene_1', 0, 12], ['scene_2', 12, 60]]);
    expect(blueprint.lyric_timeline).toEqual([{ start: 0, end: 20, text: '보호구 쓰고' }, { start: 20, end: 40, text: '장비 보고' }, { start: 40, end: 60, text: '안전대 걸고' }]);
    // The 48 s scene is six clips of 8 s.
    const clips = done.result.job.artifacts.media_plan.video_jobs;
    expect(clips.map((v: { scene_id: string; duration_seconds: number }) => [v.scene_id, v.duration_seconds])).toEqual([
      ['scene_1', 6], ['scene_1', 6], ...Array.from({ length: 6 }, () => ['scene_2', 8]),
    ]);
    expect(done.result.trace.some((l: string) => l.startsWith('[HITL] reviewed: concept c2 chosen, lyrics and scenes edited'))).toBe(true);

    // Once completed, a review is a conflict.
    const late = await review({ selected_concept_id: 'c1' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('JOB_NOT_IN_REVIEW');
  });

  it('reads Korean typed in decomposed form (NFD, as pasted from macOS) as the same text', async () => {
    const { token } = await t.signUp();
    const jobId = await submitPlan(t, token, { guidelines: KOREAN_GUIDELINES.normalize('NFD') });
    const done = await planWhen(t, token, jobId, ['completed', 'failed']);
    expect(done.result.job.artifacts.extracted_keywords).toEqual(expect.arrayContaining(['보호구', '장비']));
    const pages = await pagesOf(token, jobId);
    expect(pages[0].text).toBe(KOREAN_GUIDELINES);
    expectExactEvidence(done.result.job.artifacts.keyword_evidence, pages);
  });

  it('a cancelled plan is failed with its error, and its credits come back', async () => {
    const { token } = await t.signUp();
    const before = await balanceOf(t, token);
    const jobId = await submitPlan(t, token, { hitl_mode: 'always' });
    await planWhen(t, token, jobId, ['hitl_required']);
    expect(await balanceOf(t, token)).toBe(before - 3);
    const cancel = await t.call('POST', `/v1/jobs/${jobId}/cancel`, { token });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    const failed = await planWhen(t, token, jobId, ['failed']);
    expect(failed).toMatchObject({ status: 'failed', error: expect.any(String), error_code: expect.any(String) });
    expect(await balanceOf(t, token)).toBe(before);
  });

  it('refuses a wrong request with a 400 that names the field, before any charge', async () => {
    const { token } = await t.signUp();
    const before = await balanceOf(t, token);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ guidelines: '   ' }, 'GUIDELINES_REQUIRED', 'guidelines'],
      [{ length: '45s' }, 'INVALID_REQUEST', 'length must be one of 30s, 60s, 90s'],
      [{ selectedStyles: ['baroque'] }, 'INVALID_REQUEST', 'selectedStyles must be one of'],
      [{ selectedStyles: [] }, 'INVALID_REQUEST', 'selectedStyles must name at least one'],
      [{ selectedGenres: 'polka' }, 'INVALID_REQUEST', 'selectedGenres must be one of'],
      [{ llm_temperature: 2.5 }, 'INVALID_REQUEST', 'llm_temperature must be from 0 to 2'],
      [{ llm_temperature: '0.4' }, 'INVALID_REQUEST', 'llm_temperature must be a number from 0 to 2'],
      [{ llm_model: 'gpt-2' }, 'INVALID_REQUEST', 'llm_model must be one of'],
      [{ hitl_mode: 'sometimes' }, 'INVALID_REQUEST', 'hitl_mode must be one of skip, always, auto'],
      [{ extra: 1 }, 'INVALID_REQUEST', 'extra'],
      [{ selectedStyles: ['minimal', 'minimal'] }, 'INVALID_REQUEST', 'selectedStyles names a style twice'],
      [{ guidelines: '!!!... ???,,, ;;; ---' }, 'NO_GUIDELINES_FOUND', 'found no safety guidelines'],
      [{ guidelines: '⛑️🦺🔥🚧🧯😀' }, 'NO_GUIDELINES_FOUND', 'found no safety guidelines'],
      [{ guidelines: '1 2 3 4 5 2024 3.14' }, 'NO_GUIDELINES_FOUND', 'found no safety guidelines'],
    ];
    for (const [over, code, words] of cases) {
      const res = await t.call('POST', '/mv/jobs', { token, body: { guidelines: '작업 전 보호구를 착용한다.', ...over } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.error.code, JSON.stringify(over)).toBe(code);
      expect(res.body.error.message, JSON.stringify(over)).toContain(words);
    }
    expect((await t.call('POST', '/mv/jobs', { body: { guidelines: 'x' } })).status).toBe(401);
    expect((await t.call('GET', '/mv/jobs/job_nothing', { token })).status).toBe(404);
    expect(await balanceOf(t, token)).toBe(before);
  });
});
