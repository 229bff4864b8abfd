import type { Asset, Job } from '../../core/ports/store';
import { ClipsInputSchema } from './clips-input';

/** Seed 000 section 5-1 `mapJobAssets`: the result in the shape the screen uses, with signed URLs. */
export function mapClipsResult(job: Job, assets: Asset[], urlOf: (asset: Asset) => string | null) {
  const bySlot = new Map(assets.filter((a) => a.slot).map((a) => [a.slot!, a]));
  const url = (slot: string) => {
    const a = bySlot.get(slot);
    return a ? urlOf(a) : null;
  };
  // A draft has no mode yet: it shows as a quick pack with no clips.
  const mode = ClipsInputSchema.shape.mode.catch('quick').parse(job.input.mode);
  if (mode === 'trailer') {
    return { mode: 'trailer' as const, trailerUrl: url('video_final'), thumbUrl: url('thumb_final'), status: job.status };
  }
  const clips = [1, 2, 3].map((n) => ({ clipNo: n, videoUrl: url(`clip_${n}`), thumbUrl: url(`thumb_${n}`) }));
  return { mode, clips, status: job.status };
}
