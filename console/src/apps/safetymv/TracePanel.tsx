import { useI18n } from '../../platform/i18n/i18n';
import type { MvPlan } from './mv-api';

/** The job's trace, folded: the view's `trace`, there from the start (also while it runs). */
export function TracePanel({ plan }: { plan: MvPlan }) {
  const { t } = useI18n();
  const lines = plan.trace;
  return (
    <details className="rounded border border-slate-200 bg-white p-3">
      <summary className="cursor-pointer font-medium">{t('mv.trace')}</summary>
      {lines.length === 0 ? <p className="mt-2 text-sm text-slate-500">{t('mv.trace.empty')}</p> : (
        <ol data-testid="mv-trace" className="mt-2 max-h-72 overflow-auto font-mono text-xs leading-relaxed">
          {lines.map((l, i) => <li key={i} className="break-words">{l}</li>)}
        </ol>
      )}
    </details>
  );
}
