import { useI18n } from '../../platform/i18n/i18n';
import type { MvRequest } from './mv-api';
import { genreWords, reviewModeWords, styleWords } from './mv-words';

/** What was asked, as the job's view repeats it: the length, the styles, the genre, the review mode and the guidelines (typed, or the PDF and its pages). */
export function RequestSummary({ request }: { request: MvRequest }) {
  const { t } = useI18n();
  const rows: [string, string, string][] = [
    ['length', t('mv.request.length'), t('mv.form.lengthN', { n: request.length_seconds })],
    ['styles', t('mv.request.styles'), request.selectedStyles.map((s) => styleWords(s, t)).join(', ')],
    ['genre', t('mv.request.genre'), genreWords(request.selectedGenres, t)],
    ['review', t('mv.request.review'), reviewModeWords(request.hitl_mode, t)],
    ['source', t('mv.request.source'), request.pdf ? t('mv.request.pdf', { filename: request.pdf.filename, pages: request.pdf.pages }) : t('mv.request.typed')],
  ];
  return (
    <section aria-labelledby="mv-request-h" className="rounded border border-slate-200 bg-white p-3">
      <h2 id="mv-request-h" className="sr-only">{t('mv.request')}</h2>
      <dl data-testid="mv-request" className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr_auto_1fr]">
        {rows.map(([key, label, value]) => (
          <div key={key} data-field={key} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd className="break-words">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
