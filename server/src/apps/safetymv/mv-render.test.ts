import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWhen, submitPlan } from '../../testing/mv-flow';
import { balanceOf, fetchMedia, grantCredits } from '../../testing/studio-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

describe('rendering a plan into the music video', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => t?.dispose());

  it('plays: H.264 at 1280x720 for the plan\'s length, the music as AAC, the lyrics as a subtitle track and WebVTT; charged per clip and the music', async () => {
    const { token, userId } = await t.signUp();
    await grantCredits(t, userId, 20);
    const jobId = await submitPlan(t, token, { hitl_mode: 'skip', length: '30s' });
    const plan = await planWhen(t, token, jobId, ['completed', 'failed']);
    expect(plan.status, JSON.stringify(plan)).toBe('completed');
    expect(plan.render).toBeNull();
    await t.waitForJob(jobId, ['completed']);
    const clips = plan.result.job.artifacts.media_plan.video_jobs.length;
    const before = await balanceOf(t, token);

    const started = await t.call('POST', `/mv/jobs/${jobId}/render`, { token });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ job_id: jobId, status: 'running', render_job_id: expect.stringMatching(/^job_/) });
    expect(await balanceOf(t, token)).toBe(before - clips - 2);
    await t.waitForJob(started.body.render_job_id, ['completed', 'failed'], 120_000);

    const { render } = (await t.call('GET', `/mv/jobs/${jobId}`, { token })).body;
    expect(render, JSON.stringify(render)).toMatchObject({ job_id: started.body.render_job_id, status: 'completed', clips_done: clips, clips_total: clips, music_done: true, error: null });
    const video = await fetchMedia(t, render.video_url);
    expect(video.type).toBe('video/mp4');
    const info = await t.deps.media.probeVideo(video.body);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', subtitleCodec: 'mov_text', width: 1280, height: 720 });
    expect(Math.abs(info.durationSec - 30)).toBeLessThan(0.3);
    const vtt = await fetchMedia(t, render.subtitles_url);
    expect(vtt.type).toContain('text/vtt');
    const text = vtt.body.toString('utf8');
    expect(text.startsWith('WEBVTT')).toBe(true);
    for (const line of plan.result.job.artifacts.blueprint.lyric_timeline) expect(text).toContain(line.text);
    expect((await fetchMedia(t, render.poster_url)).type).toBe('image/jpeg');
    expect(await balanceOf(t, token)).toBe(before - clips - 2);

    // Someone else cannot render it; a plan waiting for its review cannot be rendered yet.
    const other = await t.signUp();
    expect((await t.call('POST', `/mv/jobs/${jobId}/render`, { token: other.token })).status).toBe(404);
    const waiting = await submitPlan(t, token, { hitl_mode: 'always' });
    await planWhen(t, token, waiting, ['hitl_required']);
    const early = await t.call('POST', `/mv/jobs/${waiting}/render`, { token });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'PLAN_NOT_READY', message: expect.stringContaining('hitl_required') });
  });
});

describe('a plan on providers that take their time', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform({ env: { STUB_LATENCY_MS: '1500' } });
  });
  afterAll(async () => t?.dispose());

  it('is running with no result, then completed with its character submitted, then ready; one render of a plan at a time', async () => {
    const { token } = await t.signUp();
    const jobId = await submitPlan(t, token, { hitl_mode: 'skip' });
    // The language model answers after 1.5 s: the plan is at INIT or CONCEPT_GEN.
    const running = (await t.call('GET', `/mv/jobs/${jobId}`, { token })).body;
    expect(running).toMatchObject({ job_id: jobId, status: 'running', result: null, error: null });
    expect(['INIT', 'CONCEPT_GEN']).toContain(running.state);
    expect(running.progress).toBeLessThan(0.5);
    expect((await t.call('GET', `/mv/jobs/${jobId}/character`, { token })).body.error.code).toBe('CHARACTER_NOT_READY');

    const done = await planWhen(t, token, jobId, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    // The image prediction takes 1.5 s more: submitted, as the seed's STYLE_BIND says.
    expect(done.result.job.artifacts.character_asset.status).toBe('submitted');
    const submitted = (await t.call('GET', `/mv/jobs/${jobId}/character`, { token })).body;
    expect(submitted).toMatchObject({ status: 'submitted', preview_url: null });
    expect((await t.call('GET', `/mv/jobs/${jobId}/character/image`, { token })).status).toBe(404);
    const early = await t.call('POST', `/mv/jobs/${jobId}/render`, { token });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('CHARACTER_NOT_READY');

    await t.waitForJob(jobId, ['completed'], 30_000);
    expect((await t.call('GET', `/mv/jobs/${jobId}/character`, { token })).body.status).toBe('ready');
    const first = await t.call('POST', `/mv/jobs/${jobId}/render`, { token });
    expect(first.status).toBe(202);
    const second = await t.call('POST', `/mv/jobs/${jobId}/render`, { token });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ENTITY_BUSY');
    const rendering = (await t.call('GET', `/mv/jobs/${jobId}`, { token })).body.render;
    expect(rendering).toMatchObject({ status: 'running', video_url: null });
  });
});
