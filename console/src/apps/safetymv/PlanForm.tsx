import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { navigate } from '../../platform/hooks/use-route';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './mv-errors';
import { jobPath, lengthSeconds, mvApi, mvKeys, type HitlMode, type LlmModel, type MvGenre, type MvLength, type MvOptions, type MvStyle, type PlanRequest } from './mv-api';
import { genreWords, reviewModeWords, sizeWords } from './mv-words';
import { StyleChips } from './StyleChips';

const MAX_STYLES = 3;
const field = 'w-full rounded border border-slate-300 bg-white px-3 py-2';
/** The member of a list of the options that a control's value names (the lists are the server's enums). */
const member = <T extends string>(list: readonly T[], value: string): T | undefined => list.find((x) => x === value);
const isPdf = (f: File) => f.type === 'application/pdf' || f.name.toLowerCase().endsWith('.pdf');

/** What is wrong with the chosen file before it is sent (its type, its size against the server's limit). */
function fileProblem(file: File | null, options: MvOptions, t: ReturnType<typeof useI18n>['t']): string | null {
  if (!file) return t('mv.form.error.noFile');
  if (!isPdf(file)) return t('mv.form.error.notPdf', { name: file.name });
  if (file.size > options.limits.pdf_max_bytes) return t('mv.form.error.pdfTooLarge', { size: sizeWords(file.size), max: sizeWords(options.limits.pdf_max_bytes) });
  return null;
}

/**
 * Seed 002's request: the guidelines as text or a PDF, the length, 1 to 3 styles, a genre, extra
 * requirements, and (advanced) the model, its temperature and the review mode; the price from the
 * options. Opens the job's page once the server has taken it.
 */
export function PlanForm({ options }: { options: MvOptions }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const [source, setSource] = useState<'text' | 'pdf'>('text');
  const [guidelines, setGuidelines] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [length, setLength] = useState<MvLength>(options.lengths[0] ?? '30s');
  const [styles, setStyles] = useState<MvStyle[]>([options.styles[0] ?? 'minimal']);
  const [genre, setGenre] = useState<MvGenre>(options.genres.includes('kpop') ? 'kpop' : options.genres[0] ?? 'kpop');
  const [requirements, setRequirements] = useState('');
  const [model, setModel] = useState<LlmModel>(options.defaults.llm_model);
  const [temperature, setTemperature] = useState(options.defaults.llm_temperature);
  const [hitlMode, setHitlMode] = useState<HitlMode>('auto');
  const [tried, setTried] = useState(false);

  const max = options.limits.guidelines_max_chars;
  const total = options.prices.plan + options.prices.character;
  const problem = source === 'text'
    ? !guidelines.trim() ? t('mv.form.error.noGuidelines') : guidelines.length > max ? t('mv.form.error.tooLong', { n: guidelines.length, max }) : null
    : fileProblem(file, options, t);
  const stylesProblem = styles.length < 1 || styles.length > MAX_STYLES ? t('mv.form.error.styles') : null;
  // A file's problem shows as soon as it is chosen; the rest once a submit was tried.
  const shownProblem = tried || (source === 'pdf' && file) ? problem : null;

  const submit = useMutation({
    mutationFn: () => {
      const body: PlanRequest = {
        guidelines: source === 'text' ? guidelines : '', length, selectedStyles: styles, selectedGenres: genre,
        additionalRequirements: requirements, llm_model: model, llm_temperature: temperature, hitl_mode: hitlMode,
      };
      return source === 'pdf' && file ? mvApi.upload(file, body) : mvApi.create(body);
    },
    onSuccess: ({ job_id }) => {
      void queryClient.invalidateQueries({ queryKey: mvKeys.recent });
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      navigate(jobPath(job_id));
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem || stylesProblem) return;
    submit.mutate();
  };

  return (
    <form onSubmit={onSubmit} noValidate className="grid grid-cols-1 gap-6 sm:grid-cols-2" aria-describedby={`${id}-price`}>
      <div className="space-y-3">
        <fieldset>
          <legend className="mb-1 font-medium">{t('mv.form.source')}</legend>
          <div className="flex gap-4">
            {(['text', 'pdf'] as const).map((s) => (
              <label key={s} className="flex items-center gap-1">
                <input type="radio" name={`${id}-source`} checked={source === s} onChange={() => setSource(s)} />
                {t(`mv.form.source.${s}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {source === 'text' ? (
          <div>
            <label htmlFor={`${id}-guidelines`} className="mb-1 block font-medium">{t('mv.form.guidelines')}</label>
            <textarea id={`${id}-guidelines`} value={guidelines} onChange={(e) => setGuidelines(e.target.value)} rows={10}
              placeholder={t('mv.form.guidelines.placeholder')} aria-describedby={`${id}-chars`} aria-invalid={!!shownProblem || undefined} className={field} />
            <p id={`${id}-chars`} className={`text-right text-sm ${guidelines.length > max ? 'text-red-700' : 'text-slate-500'}`}>
              {t('mv.form.chars', { n: guidelines.length.toLocaleString(), max: max.toLocaleString() })}
            </p>
          </div>
        ) : (
          <div>
            <label htmlFor={`${id}-pdf`} className="mb-1 block font-medium">
              {t('mv.form.pdf', { max: sizeWords(options.limits.pdf_max_bytes), pages: options.limits.pdf_max_pages })}
            </label>
            <input id={`${id}-pdf`} type="file" accept="application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              aria-invalid={!!shownProblem || undefined} className="block w-full text-sm" />
            {file && <p className="mt-1 text-sm text-slate-600">{t('mv.form.pdf.chosen', { name: file.name, size: sizeWords(file.size) })}</p>}
          </div>
        )}
        {shownProblem && <p role="alert" className="text-sm text-red-700">{shownProblem}</p>}
        <div>
          <label htmlFor={`${id}-req`} className="mb-1 block font-medium">{t('mv.form.requirements')}</label>
          <textarea id={`${id}-req`} value={requirements} onChange={(e) => setRequirements(e.target.value)} rows={3} maxLength={1000} className={field} />
        </div>
      </div>

      <div className="space-y-4">
        <fieldset>
          <legend className="mb-1 font-medium">{t('mv.form.length')}</legend>
          <div className="flex flex-wrap gap-4">
            {options.lengths.map((l) => (
              <label key={l} className="flex items-center gap-1">
                <input type="radio" name={`${id}-length`} value={l} checked={length === l} onChange={() => setLength(l)} />
                {t('mv.form.lengthN', { n: lengthSeconds(l) })}
              </label>
            ))}
          </div>
        </fieldset>
        <StyleChips styles={options.styles} chosen={styles} max={MAX_STYLES} onChange={setStyles} />
        {tried && stylesProblem && <p role="alert" className="text-sm text-red-700">{stylesProblem}</p>}
        <div>
          <label htmlFor={`${id}-genre`} className="mb-1 block font-medium">{t('mv.form.genre')}</label>
          <select id={`${id}-genre`} value={genre} onChange={(e) => setGenre(member(options.genres, e.target.value) ?? genre)} className={field}>
            {options.genres.map((g) => <option key={g} value={g}>{genreWords(g, t)}</option>)}
          </select>
        </div>
        <fieldset>
          <legend className="mb-1 font-medium">{t('mv.form.review')}</legend>
          <div className="space-y-1">
            {options.hitl_modes.map((m) => (
              <label key={m} className="flex items-center gap-2">
                <input type="radio" name={`${id}-review`} value={m} checked={hitlMode === m} onChange={() => setHitlMode(m)} />
                {reviewModeWords(m, t)}
              </label>
            ))}
          </div>
        </fieldset>
        <details className="rounded border border-slate-200 bg-white p-3">
          <summary className="cursor-pointer font-medium">{t('mv.form.advanced')}</summary>
          <div className="mt-3 space-y-3">
            <div>
              <label htmlFor={`${id}-model`} className="mb-1 block">{t('mv.form.model')}</label>
              <select id={`${id}-model`} value={model} onChange={(e) => setModel(member(options.llm_models, e.target.value) ?? model)} className={field}>
                {options.llm_models.map((m) => <option key={m} value={m}>{m}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor={`${id}-temp`} className="mb-1 block">{t('mv.form.temperature')}</label>
              <div className="flex items-center gap-3">
                <input id={`${id}-temp`} type="range" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} className="flex-1" />
                <input type="number" min={0} max={2} step={0.1} value={temperature} aria-label={t('mv.form.temperature.number')}
                  onChange={(e) => setTemperature(Math.min(2, Math.max(0, Number(e.target.value) || 0)))} className="w-20 rounded border border-slate-300 px-2 py-1" />
              </div>
            </div>
          </div>
        </details>
        <p id={`${id}-price`} data-testid="mv-price" className="font-medium">
          {t('mv.form.price', { total, plan: options.prices.plan, character: options.prices.character })}
        </p>
        {submit.isError && (
          <p role="alert" data-testid="mv-submit-error" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
            {explain(submit.error, t, options.limits)}
          </p>
        )}
        <button type="submit" disabled={submit.isPending} className="w-full rounded bg-blue-600 px-4 py-2 font-medium text-white disabled:opacity-50">
          {submit.isPending ? t('mv.form.submitting') : t('mv.form.submit', { total })}
        </button>
      </div>
    </form>
  );
}
