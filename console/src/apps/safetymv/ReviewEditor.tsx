import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiError } from '../../platform/api/client';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './mv-errors';
import { mvApi, mvKeys, type Concept, type HitlRequest } from './mv-api';
import { addedRow, scriptOf, timelineProblems, type SceneRow } from './mv-timeline';
import { timelineWords } from './mv-words';
import { TimelineBar } from './TimelineBar';

const rowsOf = (c: Concept): SceneRow[] => c.mv_script.map((s) => ({ start: String(s.start), end: String(s.end), description: s.description }));
const sameScript = (rows: SceneRow[], c: Concept) =>
  JSON.stringify(scriptOf(rows)) === JSON.stringify(c.mv_script.map((s) => ({ start: s.start, end: s.end, description: s.description.trim() })));
const hasWords = (s: string) => /[\p{L}\p{N}]/u.test(s);

/**
 * The chosen concept's lyrics and scenes to edit, with the server's timing rules checked as one
 * types (problems listed, submit held back until there are none) and the scenes drawn over the
 * length. Sends only what was changed; the job resumes once the server takes it.
 */
export function ReviewEditor({ jobId, concept, length }: { jobId: string; concept: Concept; length: number }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const [lyrics, setLyrics] = useState(concept.lyrics);
  const [rows, setRows] = useState<SceneRow[]>(() => rowsOf(concept));
  const problems = timelineProblems(rows, length);
  const lyricsBlank = !hasWords(lyrics);
  const setRow = (i: number, patch: Partial<SceneRow>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = useMutation({
    mutationFn: () => {
      const body: HitlRequest = {
        selected_concept_id: concept.concept_id,
        ...(lyrics !== concept.lyrics ? { edited_lyrics: lyrics } : {}),
        ...(sameScript(rows, concept) ? {} : { edited_mv_script: scriptOf(rows) }),
      };
      return mvApi.review(jobId, body);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mvKeys.plan(jobId) }),
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'JOB_NOT_IN_REVIEW') void queryClient.invalidateQueries({ queryKey: mvKeys.plan(jobId) });
    },
  });

  return (
    <section aria-labelledby={`${id}-h`} data-testid="mv-editor" className="space-y-4 rounded border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={`${id}-h`} className="text-lg font-semibold">{t('mv.editor.heading', { title: concept.title })}</h3>
        <button type="button" onClick={() => { setLyrics(concept.lyrics); setRows(rowsOf(concept)); }}
          className="ml-auto rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100">{t('mv.editor.reset')}</button>
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={`${id}-lyrics`} className="mb-1 block font-medium">{t('mv.editor.lyrics')}</label>
          <textarea id={`${id}-lyrics`} value={lyrics} onChange={(e) => setLyrics(e.target.value)} rows={14} aria-invalid={lyricsBlank || undefined}
            className="w-full rounded border border-slate-300 px-3 py-2 text-sm" />
          {lyricsBlank && <p className="text-sm text-red-700">{t('mv.error.INVALID_LYRICS')}</p>}
        </div>
        <fieldset className="space-y-2">
          <legend className="mb-1 font-medium">{t('mv.editor.scenes', { length })}</legend>
          <TimelineBar rows={rows} length={length} />
          <div aria-hidden="true" className="grid grid-cols-[4.5rem_4.5rem_1fr_auto] gap-1 text-xs text-slate-500">
            <span>{t('mv.editor.col.start')}</span><span>{t('mv.editor.col.end')}</span><span>{t('mv.editor.col.description')}</span><span className="w-8" />
          </div>
          <ol className="space-y-2">
            {rows.map((r, i) => {
              const n = i + 1;
              return (
                <li key={i} data-testid="mv-scene-row" className="grid grid-cols-[4.5rem_4.5rem_1fr_auto] items-start gap-1">
                  <input type="number" min={0} max={length} step={0.5} value={r.start} aria-label={t('mv.editor.start', { n })}
                    onChange={(e) => setRow(i, { start: e.target.value })} className="rounded border border-slate-300 px-2 py-1 text-sm" />
                  <input type="number" min={0} max={length} step={0.5} value={r.end} aria-label={t('mv.editor.end', { n })}
                    onChange={(e) => setRow(i, { end: e.target.value })} className="rounded border border-slate-300 px-2 py-1 text-sm" />
                  <textarea value={r.description} rows={2} aria-label={t('mv.editor.description', { n })}
                    onChange={(e) => setRow(i, { description: e.target.value })} className="rounded border border-slate-300 px-2 py-1 text-sm" />
                  <button type="button" aria-label={t('mv.editor.remove', { n })} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                    className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-red-50">✕</button>
                </li>
              );
            })}
          </ol>
          <button type="button" onClick={() => setRows((rs) => addedRow(rs, length))} className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100">
            <span aria-hidden="true">+ </span>{t('mv.editor.add')}
          </button>
        </fieldset>
      </div>
      <div aria-live="polite" data-testid="mv-timeline-check">
        {problems.length === 0 ? <p className="text-sm text-green-700">{t('mv.editor.ok')}</p> : (
          <div className="rounded border border-amber-300 bg-amber-50 p-3">
            <p className="text-sm font-medium">{t('mv.editor.problems')}</p>
            <ul className="list-disc pl-5 text-sm" data-testid="mv-timeline-problems">
              {problems.map((p, i) => <li key={i}>{timelineWords(p, t)}</li>)}
            </ul>
          </div>
        )}
      </div>
      {submit.isError && <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">{explain(submit.error, t)}</p>}
      <button type="button" disabled={problems.length > 0 || lyricsBlank || submit.isPending} onClick={() => submit.mutate()}
        className="w-full rounded bg-blue-600 px-4 py-2 font-medium text-white disabled:opacity-50 sm:w-auto">
        {submit.isPending ? t('mv.editor.submitting') : t('mv.editor.submit')}
      </button>
    </section>
  );
}
