import type { Asset, Job } from '../../core/ports/store';

/** Seed 000 section 5-1 `mapJobAssets`: the result in the shape the screen uses, with signed URLs. */
export function mapClipsResult(job: Job, assets: Asset[], urlOf: (asset: Asset) => string | null) {
  const bySlot = new Map(assets.filter((a) => a.slot).map((a) => [a.slot!, a]));
  const url = (slot: string) => {
    const a = bySlot.get(slot);
    return a ? urlOf(a) : null;
  };
  const mode = (job.input as { mode?: string }).mode ?? 'quick';
  if (mode === 'trailer') {
    return { mode: 'trailer' as const, trailerUrl: url('video_final'), thumbUrl: url('thumb_final'), status: job.status };
  }
  const clips = [1, 2, 3].map((n) => ({ clipNo: n, videoUrl: url(`clip_${n}`), thumbUrl: url(`thumb_${n}`) }));
  return { mode, clips, status: job.status };
}
