import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFfmpegPath, FfmpegRunner } from '../../adapters/media/ffmpeg-runner';
import { ProviderError } from '../../adapters/providers/provider-error';
import { createStubProviders } from '../../adapters/providers/stub/stub-providers';
import type { ImageRequest, Providers } from '../../core/ports/providers';
import { jobSeed } from './clip-prompts';
import { confirmBody, makeDraft, uploadPhoto } from '../../testing/clips-flow';
import { makeImage } from '../../testing/fixtures';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

/**
 * Seed 000's clips are one price for the pack: the pack's clips are delivered when the job
 * completes; a job cancelled or failed before that refunds everything, gives the free quick back,
 * and its partial clips are withheld and deleted (core/jobs/delivery).
 */
type Hold = { reached: () => void; release: Promise<void>; open: () => void; fail: boolean };
const holds = new Map<number, Hold>();

/** Stops a job's third clip at its keyframe until opened; then it goes on, or fails when `fail`. */
function holdThirdClip(jobId: string, fail = false) {
  let reached!: () => void;
  const atThird = new Promise<void>((r) => (reached = r));
  let open!: () => void;
  const release = new Promise<void>((r) => (open = r));
  holds.set(jobSeed(jobId, 3), { reached, release, open, fail });
  return { atThird, open };
}

let t: TestPlatform;
beforeAll(async () => {
  const stub = createStubProviders({ ffmpeg: new FfmpegRunner(await defaultFfmpegPath()) });
  const providers: Providers = {
    ...stub,
    image: {
      name: 'held',
      async submit(req: ImageRequest, opts) {
        const hold = holds.get(req.seed ?? -1);
        if (hold) {
          hold.reached();
          await hold.release;
          if (hold.fail) throw new ProviderError('stub image provider failed', false, 'held');
        }
        return stub.image.submit(req, opts);
      },
      get: (id) => stub.image.get(id),
    },
  };
  t = await createTestPlatform({ overrides: { providers } });
}, 120_000);
afterAll(async () => {
  for (const h of holds.values()) h.open();
  await t?.dispose();
});

const clipAssets = (jobId: string) => t.deps.store.read(async (r) => (await r.assets.listForJob(jobId)).filter((a) => /^(clip|thumb)_/.test(a.slot ?? '')));
const status = async (url: string) => (await t.app.request(url)).status;
const credits = async (token: string) => (await t.call('GET', '/v1/me', { token })).body.credits as number;

/**
 * Confirms a draft whose third clip is held; resolves once the two others (which run beside it)
 * are stored with their thumbnails.
 */
async function twoClipsIn(token: string, mode: 'quick' | 'story', fail = false) {
  const draftJobId = await makeDraft(t, token);
  const held = holdThirdClip(draftJobId, fail);
  const confirm = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draftJobId, mode) });
  expect(confirm.status).toBe(200);
  await held.atThird;
  for (let i = 0; i < 400 && (await clipAssets(draftJobId)).length < 4; i++) await new Promise((r) => setTimeout(r, 25));
  const made = await clipAssets(draftJobId);
  expect(made.map((a) => a.slot).sort()).toEqual(['clip_1', 'clip_2', 'thumb_1', 'thumb_2']);
  // URLs made for the stored objects, as if one had leaked: the objects must go.
  const urls = await Promise.all(made.map((a) => t.deps.storage.signedGetUrl(a.storageKey, 600)));
  for (const u of urls) expect(await status(u)).toBe(200);
  return { jobId: draftJobId, urls, open: held.open };
}

const noClipUrls = (body: { result: { clips: { videoUrl: string | null; thumbUrl: string | null }[] } }) =>
  body.result.clips.every((c) => c.videoUrl === null && c.thumbUrl === null);

describe('clips: what is downloadable is paid for', () => {
  it('withholds a running story pack, and a story cancelled after two clips refunds all 2 credits and deletes both clips', async () => {
    const { token } = await t.signUp();
    const { jobId, urls, open } = await twoClipsIn(token, 'story');
    const running = await t.call('GET', `/api/jobs/${jobId}`, { token });
    expect(running.body.status).toBe('running');
    expect(noClipUrls(running.body)).toBe(true);
    expect((await t.call('GET', `/v1/jobs/${jobId}`, { token })).body.assets).toEqual([]);
    expect(await credits(token)).toBe(8);

    const cancel = await t.call('POST', `/v1/jobs/${jobId}/cancel`, { token });
    expect(cancel.body).toMatchObject({ refunded: 2, job: { status: 'cancelled' } });
    expect(await credits(token)).toBe(10);
    const after = await t.call('GET', `/api/jobs/${jobId}`, { token });
    expect(after.body.status).toBe('cancelled');
    expect(noClipUrls(after.body)).toBe(true);
    expect((await t.call('GET', `/v1/jobs/${jobId}`, { token })).body.assets).toEqual([]);
    for (const u of urls) expect(await status(u)).toBe(404);
    expect(await clipAssets(jobId)).toEqual([]);
    open();
  });

  it('a quick cancelled after two clips leaves none, and the free quick comes back only because nothing was delivered', async () => {
    const { token } = await t.signUp();
    for (let round = 0; round < 3; round++) {
      const { jobId, urls, open } = await twoClipsIn(token, 'quick');
      expect((await t.call('POST', `/v1/jobs/${jobId}/cancel`, { token })).body).toMatchObject({ refunded: 0 });
      expect(noClipUrls((await t.call('GET', `/api/jobs/${jobId}`, { token })).body)).toBe(true);
      for (const u of urls) expect(await status(u)).toBe(404);
      open();
    }
    // A quick that delivers spends the day's free quick for good.
    const done = await makeDraft(t, token);
    expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(done, 'quick') })).status).toBe(200);
    await t.waitForJob(done, ['completed'], 60_000);
    const delivered = await t.call('GET', `/api/jobs/${done}`, { token });
    for (const c of delivered.body.result.clips) expect(await status(c.videoUrl)).toBe(200);
    const next = await makeDraft(t, token);
    const refused = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(next, 'quick') });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'Daily free limit reached (1 Quick/day)' });
  });

  it('a story that fails after two clips is refunded and leaves no downloadable clip', async () => {
    const { token } = await t.signUp();
    const { jobId, urls, open } = await twoClipsIn(token, 'story', true);
    open();
    const failed = await t.waitForJob(jobId, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    const view = await t.call('GET', `/api/jobs/${jobId}`, { token });
    expect(view.body).toMatchObject({ status: 'failed', error: { step: 'clip_3', refunded: 2 } });
    expect(noClipUrls(view.body)).toBe(true);
    expect(await credits(token)).toBe(10);
    // The purge runs right after the failure commits.
    for (let i = 0; i < 200 && (await clipAssets(jobId)).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await clipAssets(jobId)).toEqual([]);
    for (const u of urls) expect(await status(u)).toBe(404);
  });
});

describe('clips: the rewrite is priced only when it is done', () => {
  it.each([
    ['empty text', { rewriteEnabled: true, rewriteRawText: '' }],
    ['missing text', { rewriteEnabled: true }],
    ['blank text', { rewriteEnabled: true, rewriteRawText: ' \n\t ' }],
    ['text that is only invisible characters', { rewriteEnabled: true, rewriteRawText: '\u200b\u200b' }],
  ])('%s charges no rewrite and the job says the rewrite is off', async (_name, extra) => {
    const { token } = await t.signUp();
    const draft = await makeDraft(t, token);
    expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draft, 'story', extra) })).status).toBe(200);
    expect(await credits(token)).toBe(8);
    const job = await t.call('GET', `/api/jobs/${draft}`, { token });
    expect(job.body.rewrite).toEqual({ enabled: false });
    const ledger = await t.call('GET', '/v1/credits', { token });
    expect(ledger.body.entries[0]).toMatchObject({ kind: 'charge', amount: -2, reason: 'clips story' });
    await t.waitForJob(draft, ['completed', 'failed'], 60_000);
  });

  it('a rewrite with text costs its credit and shows as on', async () => {
    const { token } = await t.signUp();
    const draft = await makeDraft(t, token);
    expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draft, 'story', { rewriteEnabled: true, rewriteRawText: '바닷가 마을' }) })).status).toBe(200);
    expect(await credits(token)).toBe(7);
    expect((await t.call('GET', `/api/jobs/${draft}`, { token })).body.rewrite).toMatchObject({ enabled: true });
    await t.waitForJob(draft, ['completed', 'failed'], 60_000);
  });
});

describe('clips: the photo used is the photo verified', () => {
  it('fails and refunds a job whose photo bytes changed after the draft verified them', async () => {
    const { token } = await t.signUp();
    const photo = await uploadPhoto(t, token);
    const draft = await t.call('POST', '/api/jobs/draft', { token, body: { photoUrls: [photo.publicUrl] } });
    expect(draft.status).toBe(200);
    // What a second PUT to an S3 URL does within its life: other bytes under the verified key.
    await t.deps.storage.put(photo.key, await makeImage('image/jpeg', 7), 'image/jpeg');
    expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draft.body.draftJobId, 'story') })).status).toBe(200);
    const failed = await t.waitForJob(draft.body.draftJobId, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    const view = await t.call('GET', `/api/jobs/${draft.body.draftJobId}`, { token });
    expect(view.body.error).toMatchObject({ code: 'PHOTO_CHANGED', step: 'identity_pack', refunded: 2, message: 'Photo 1 changed after it was checked; upload it again' });
    expect(await credits(token)).toBe(10);
  });
});
