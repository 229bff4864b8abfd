import { useI18n } from '../../platform/i18n/i18n';
import { MV_STATES, type MvPlan } from './mv-api';
import { stateWords } from './mv-words';

type StepMark = 'done' | 'current' | 'failed' | 'skipped' | 'pending';

/** Each state's mark: passed, the one it is in (or failed in), HITL skipped when the plan went past it without a person, or still to come. */
function marks(plan: MvPlan): StepMark[] {
  const history = plan.state_history;
  const at = MV_STATES.indexOf(plan.state);
  return MV_STATES.map((s, i) => {
    if (plan.status === 'completed') return s === 'HITL' && !history.includes('HITL') ? 'skipped' : 'done';
    if (s === plan.state) return plan.status === 'failed' ? 'failed' : 'current';
    if (s === 'HITL' && !history.includes('HITL')) return i < at ? 'skipped' : 'pending';
    return history.includes(s) || i < at ? 'done' : 'pending';
  });
}

const STYLE: Record<StepMark, string> = {
  done: 'border-green-600 bg-green-50 text-green-800',
  current: 'border-blue-600 bg-blue-600 text-white font-semibold',
  failed: 'border-red-600 bg-red-50 text-red-800 font-semibold',
  skipped: 'border-dashed border-slate-300 text-slate-400 line-through',
  pending: 'border-slate-300 text-slate-500',
};

/** INIT → CONCEPT_GEN → QA → (HITL) → LOCK_BLUEPRINT_CORE → STYLE_BIND in words, the current one marked, and the progress bar. */
export function StateStepper({ plan }: { plan: MvPlan }) {
  const { t } = useI18n();
  const pct = Math.round(plan.progress * 100);
  const m = marks(plan);
  return (
    <div className="space-y-2">
      <ol aria-label={t('mv.job.steps')} className="flex flex-wrap gap-1 text-sm" data-testid="mv-steps">
        {MV_STATES.map((s, i) => (
          <li key={s} data-state={s} data-mark={m[i]} aria-current={m[i] === 'current' || m[i] === 'failed' ? 'step' : undefined}
            className={`rounded border px-2 py-1 ${STYLE[m[i]!]}`}>
            {i + 1}. {stateWords(s, t)}
          </li>
        ))}
      </ol>
      <div role="progressbar" aria-label={t('mv.job.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={t('mv.job.progressText', { pct })}
        className="h-2 w-full overflow-hidden rounded bg-slate-200">
        <div className={`h-full transition-all ${plan.status === 'failed' ? 'bg-red-500' : 'bg-blue-600'}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
