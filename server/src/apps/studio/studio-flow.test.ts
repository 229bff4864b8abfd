import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, fetchMedia, ideaBody, videoWhenEnded } from '../../testing/studio-flow';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t?.dispose());

describe('seed 001 end to end over HTTP on the stubs', () => {
  it('idea -> prompt -> image -> video from the image, charged 1 + 5, with history', async () => {
    const { token, userId } = await t.signUp();
    const prompt = await t.call('POST', '/api/prompts', { token, body: ideaBody() });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(200);
    // The user's own words are kept, and every choice is in the prompt.
    expect(prompt.body.prompt).toContain('비 오는 밤 네온 골목을 걷는 고양이');
    expect(prompt.body.prompt).toContain('cinematic film still');
    expect(prompt.body.prompt).toContain('reflections on wet asphalt');
    // Deterministic: the same fields give the same prompt.
    expect((await t.call('POST', '/api/prompts', { token, body: ideaBody() })).body.prompt).toBe(prompt.body.prompt);
    expect(await balanceOf(t, token)).toBe(10);

    const image = await t.call('POST', '/api/images', { token, body: { prompt: prompt.body.prompt, ratio: '16:9', seed: 7 } });
    expect(image.status, JSON.stringify(image.body)).toBe(200);
    expect(image.body).toMatchObject({ width: 1024, height: 576 });
    const png = await fetchMedia(t, image.body.imageUrl);
    expect(png.type).toBe('image/png');
    expect(png.body.subarray(1, 4).toString()).toBe('PNG');
    expect(await balanceOf(t, token)).toBe(9);

    const video = await t.call('POST', '/api/videos', { token, body: { prompt: prompt.body.prompt, imageId: image.body.imageId } });
    expect(video.status, JSON.stringify(video.body)).toBe(202);
    expect(video.body).toMatchObject({ status: 'queued', message: '대기열에 등록되었습니다' });
    expect(await balanceOf(t, token)).toBe(4);
    const done = await videoWhenEnded(t, token, video.body.jobId);
    expect(done).toMatchObject({ status: 'completed', progress: 100, imageId: image.body.imageId, seconds: 4, size: '1280x720' });
    const mp4 = await fetchMedia(t, done.videoUrl);
    expect(mp4.type).toBe('video/mp4');
    expect(await t.deps.media.probeVideo(mp4.body)).toMatchObject({ videoCodec: 'h264', width: 1280, height: 720 });
    expect((await fetchMedia(t, done.thumbnailUrl)).type).toBe('image/jpeg');
    expect(await balanceOf(t, token)).toBe(4);

    const history = await t.call('GET', '/api/history', { token });
    expect(history.status).toBe(200);
    expect(history.body.items.map((i: { type: string }) => i.type)).toEqual(['video', 'image', 'prompt', 'prompt']);
    const videos = await t.call('GET', '/api/history?type=video', { token });
    expect(videos.body.items).toHaveLength(1);
    expect(videos.body.items[0]).toMatchObject({ jobId: video.body.jobId, status: 'completed', imageId: image.body.imageId });

    // Seed 001 section 4: the admin sees the studio's jobs with their provider calls.
    const listed = await t.call('GET', `/v1/admin/jobs?app=studio&userId=${userId}`, { token: TEST_ADMIN_KEY });
    expect(listed.body.jobs.map((j: { pipeline: string; status: string }) => [j.pipeline, j.status])).toEqual([
      ['studio.video', 'completed'], ['studio.image', 'completed'], ['studio.prompt', 'completed'], ['studio.prompt', 'completed'],
    ]);
    const calls = await t.call('GET', `/v1/admin/jobs/${video.body.jobId}/calls`, { token: TEST_ADMIN_KEY });
    expect(calls.body.calls.map((c: { capability: string }) => c.capability)).toEqual(['video']);
  });
});
