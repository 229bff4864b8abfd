import { useId } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import type { MvStyle } from './mv-api';
import { styleWords } from './mv-words';

/** The styles as toggle chips, at most `max` chosen: the others are disabled once that many are. */
export function StyleChips({ styles, chosen, max, onChange }: { styles: readonly MvStyle[]; chosen: MvStyle[]; max: number; onChange: (next: MvStyle[]) => void }) {
  const { t } = useI18n();
  const id = useId();
  const full = chosen.length >= max;
  return (
    <div role="group" aria-labelledby={`${id}-label`}>
      <p id={`${id}-label`} className="mb-1 font-medium">
        {t('mv.form.styles')} <span className="text-sm font-normal text-slate-500">{t('mv.form.styles.count', { n: chosen.length })}</span>
      </p>
      <div className="flex flex-wrap gap-2">
        {styles.map((s) => {
          const on = chosen.includes(s);
          return (
            <button key={s} type="button" aria-pressed={on} disabled={!on && full}
              onClick={() => onChange(on ? chosen.filter((x) => x !== s) : [...chosen, s])}
              className={`rounded-full border px-3 py-1 text-sm disabled:opacity-40 ${on ? 'border-blue-600 bg-blue-600 text-white' : 'border-slate-300 bg-white text-slate-800 hover:bg-slate-100'}`}>
              {styleWords(s, t)}
            </button>
          );
        })}
      </div>
    </div>
  );
}
