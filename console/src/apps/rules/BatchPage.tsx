import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { BatchJobView } from './BatchJobView';
import { eachLimited, putPhoto } from './batch-upload';
import { PhotoUploads, type PickedPhoto } from './PhotoUploads';
import { rulesApi, rulesKeys, type CreateJobBody, type UploadGrant, type UploadMime } from './rules-api';
import { explain, seedError } from './rules-errors';

const MIMES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];
/** The server's upload cap per photo (10 MB): refused here before anything is sent. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Uploads at once: enough to fill a home link, few enough to keep each photo's bar moving. */
const PARALLEL_UPLOADS = 3;

type Phase = 'pick' | 'uploading' | 'confirming' | 'rejected' | 'executing' | 'uploaded' | 'watching';

/** /rules/batch: a rule or preset, the photos (up to the plan's count), their uploads, the run and its results. */
export function BatchPage() {
  const { t, lang } = useI18n();
  const id = useId();
  const client = useQueryClient();
  const me = useQuery({ queryKey: rulesKeys.me, queryFn: rulesApi.me });
  const presets = useQuery({ queryKey: rulesKeys.presets, queryFn: rulesApi.presets });
  const rules = useQuery({ queryKey: rulesKeys.rules, queryFn: rulesApi.rules });
  const [chosen, setChosen] = useState<string | null>(null);
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [phase, setPhase] = useState<Phase>('pick');
  const [jobId, setJobId] = useState<string | null>(null);
  const [grants, setGrants] = useState<UploadGrant[]>([]);
  const [error, setError] = useState<unknown>(null);

  const loading = me.isPending || presets.isPending || rules.isPending;
  const source = chosen ?? (rules.data?.[0] ? `rule:${rules.data[0].id}` : presets.data?.[0] ? `preset:${presets.data[0].id}` : '');
  const max = me.data?.max_images_per_job ?? 0;
  const problems = [
    ...photos.filter((p) => !MIMES.includes(p.file.type)).map((p) => t('rules.batch.badType', { name: p.file.name })),
    ...photos.filter((p) => p.file.size > MAX_PHOTO_BYTES).map((p) => t('rules.batch.tooLarge', { name: p.file.name })),
    ...(me.data && photos.length > max ? [t('rules.batch.tooMany', { count: photos.length, max, extra: photos.length - max })] : []),
  ];
  const busy = phase === 'uploading' || phase === 'confirming' || phase === 'executing';
  const patch = (index: number, change: Partial<PickedPhoto>) => setPhotos((ps) => ps.map((p, i) => (i === index ? { ...p, ...change } : p)));
  const refreshCredits = () => {
    void client.invalidateQueries({ queryKey: ['me'] });
    void client.invalidateQueries({ queryKey: rulesKeys.me });
  };

  /** Uploads the photos at `indexes`, then confirms and executes; a refusal stops at its step and says why. */
  async function send(job: string, using: UploadGrant[], indexes: number[]) {
    setPhase('uploading');
    await eachLimited(indexes, PARALLEL_UPLOADS, async (i) => {
      patch(i, { progress: 0, problem: undefined });
      try {
        await putPhoto(using[i]!, photos[i]!.file, (progress) => patch(i, { progress }));
      } catch (err) {
        // Left to confirm-upload, which names every photo the server does not have.
        patch(i, { problem: t('rules.batch.uploadFailed', { name: photos[i]!.file.name, reason: (err as Error).message }) });
      }
    });
    setPhase('confirming');
    try {
      await rulesApi.confirmUpload(job);
    } catch (err) {
      const e = seedError(err);
      for (const i of e.missing ?? []) patch(i, { problem: t('rules.batch.missing', { name: photos[i]?.file.name ?? `#${i + 1}` }) });
      for (const bad of e.invalid ?? []) patch(bad.index, { problem: t('rules.batch.invalid', { name: photos[bad.index]?.file.name ?? `#${bad.index + 1}`, reason: bad.reason }) });
      // The server's fresh URLs for them: the first ones may have expired or been used.
      if (e.uploads) setGrants((old) => old.map((g, i) => e.uploads!.find((u) => u.index === i) ?? g));
      setError(e.missing || e.invalid ? null : err);
      setPhase('rejected');
      return;
    }
    await execute(job);
  }

  async function execute(job: string) {
    setPhase('executing');
    setError(null);
    try {
      client.setQueryData(rulesKeys.job(job), await rulesApi.execute(job));
      setPhase('watching');
    } catch (err) {
      setError(err);
      setPhase('uploaded');
    } finally {
      refreshCredits();
    }
  }

  async function start() {
    setError(null);
    const [kind, ref] = [source.slice(0, source.indexOf(':')), source.slice(source.indexOf(':') + 1)];
    const body: CreateJobBody = {
      ...(kind === 'rule' ? { rule_id: ref } : { preset_id: ref }),
      image_count: photos.length,
      mimes: photos.map((p) => p.file.type as UploadMime),
      sizes: photos.map((p) => p.file.size),
    };
    setPhase('uploading');
    try {
      const made = await rulesApi.createJob(body);
      setJobId(made.job.job_id);
      setGrants(made.uploads);
      await send(made.job.job_id, made.uploads, photos.map((_, i) => i));
    } catch (err) {
      setError(err);
      setPhase('pick');
    }
  }

  function startOver() {
    // A job made and not run would hold a waiting slot (and its photos) for a day: cancel it.
    if (jobId && phase !== 'watching') void rulesApi.cancel(jobId).catch(() => {});
    photos.forEach((p) => URL.revokeObjectURL(p.preview));
    setPhotos([]);
    setJobId(null);
    setGrants([]);
    setError(null);
    setPhase('pick');
  }

  const rejected = photos.flatMap((p, i) => (p.problem ? [i] : []));
  return (
    <div className="space-y-4" aria-busy={loading || busy}>
      <h1 className="text-2xl font-bold">{t('rules.batch.heading')}</h1>
      {loading && <p>{t('rules.loading')}</p>}
      {(me.error ?? presets.error ?? rules.error) && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(me.error ?? presets.error ?? rules.error, t)}</p>}
      {me.data && presets.data && rules.data && (
        <div className="space-y-4 rounded border border-slate-200 bg-white p-4">
          <div>
            <label htmlFor={`${id}-source`} className="block text-sm font-medium">{t('rules.batch.source')}</label>
            <select id={`${id}-source`} value={source} disabled={phase !== 'pick'} onChange={(e) => setChosen(e.target.value)}
              className="mt-1 w-full rounded border border-slate-300 bg-white p-2">
              {rules.data.length > 0 && (
                <optgroup label={t('rules.batch.myRules')}>
                  {rules.data.map((r) => <option key={r.id} value={`rule:${r.id}`}>{r.name}</option>)}
                </optgroup>
              )}
              <optgroup label={t('rules.batch.presets')}>
                {presets.data.map((p) => <option key={p.id} value={`preset:${p.id}`}>{lang === 'ko' ? p.name : p.name_en}</option>)}
              </optgroup>
            </select>
          </div>
          <p className="text-sm text-slate-700" data-testid="batch-limit">{t('rules.batch.limit', { plan: me.data.plan, max })}</p>
          <PhotoUploads photos={photos} locked={phase !== 'pick'}
            onAdd={(files) => setPhotos((ps) => [...ps, ...files.map((file) => ({ file, preview: URL.createObjectURL(file), progress: 0 }))])}
            onRemove={(i) => setPhotos((ps) => {
              URL.revokeObjectURL(ps[i]!.preview);
              return ps.filter((_, j) => j !== i);
            })} />
          {problems.length > 0 && (
            <ul role="alert" className="space-y-1 rounded bg-red-50 p-3 text-sm text-red-800" data-testid="batch-problems">
              {problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          )}
          {photos.length > 0 && (
            <p className="text-sm" data-testid="batch-cost">{t('rules.batch.cost', { needed: photos.length, balance: me.data.credits })}</p>
          )}
          {phase === 'rejected' && rejected.length > 0 && (
            <div role="alert" className="space-y-1 rounded bg-red-50 p-3 text-sm text-red-800" data-testid="batch-rejected">
              <p>{t('rules.batch.rejected')}</p>
              <ul className="list-disc pl-5">{rejected.map((i) => <li key={i}>{photos[i]!.problem}</li>)}</ul>
            </div>
          )}
          {error ? <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(error, t)}</p> : null}
          {phase === 'pick' && (
            <button type="button" onClick={() => void start()} disabled={photos.length === 0 || problems.length > 0 || !source}
              className="w-full rounded bg-blue-600 px-4 py-3 font-semibold text-white disabled:opacity-50">
              {t('rules.batch.start', { n: photos.length })}
            </button>
          )}
          {busy && (
            <p role="status" className="rounded bg-blue-50 p-3 text-blue-900">
              {t(phase === 'uploading' ? 'rules.batch.uploading' : phase === 'confirming' ? 'rules.batch.confirming' : 'rules.batch.executing')}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            {phase === 'rejected' && jobId && (
              <button type="button" onClick={() => void send(jobId, grants, rejected)} className="rounded bg-blue-600 px-4 py-2 font-medium text-white">{t('rules.batch.retryUpload')}</button>
            )}
            {phase === 'uploaded' && jobId && (
              <button type="button" onClick={() => void execute(jobId)} className="rounded bg-blue-600 px-4 py-2 font-medium text-white">{t('rules.batch.retryExecute')}</button>
            )}
            {(phase === 'watching' || phase === 'rejected' || phase === 'uploaded') && (
              <button type="button" onClick={startOver} className="rounded border border-slate-400 px-4 py-2 font-medium">{t('rules.batch.startOver')}</button>
            )}
          </div>
        </div>
      )}
      {phase === 'watching' && jobId && <BatchJobView key={jobId} jobId={jobId} names={photos.map((p) => p.file.name)} onEnded={refreshCredits} />}
    </div>
  );
}
