import { useId } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import type { IdeaFields, StudioOptions } from './studio-api';
import { explain } from './studio-errors';
import { choiceWords, priceWords } from './studio-words';

type Group = 'style' | 'mood' | 'camera' | 'ratio';
const GROUPS: { group: Group; list: 'styles' | 'moods' | 'cameras' | 'ratios' }[] = [
  { group: 'style', list: 'styles' }, { group: 'mood', list: 'moods' }, { group: 'camera', list: 'cameras' }, { group: 'ratio', list: 'ratios' },
];

/** Step 1: the idea and its choices (the server's vocabularies), sent to be expanded into a prompt. */
export function IdeaForm({ options, fields, onChange, onSubmit, pending, error }: {
  options: StudioOptions;
  fields: IdeaFields;
  onChange: (patch: Partial<IdeaFields>) => void;
  onSubmit: () => void;
  pending: boolean;
  error: unknown;
}) {
  const { t } = useI18n();
  // Labels name their controls by id, not by holding them: a label holding a text box would read the text as part of its name.
  const id = useId();
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (fields.idea.trim()) onSubmit();
      }}
    >
      <div>
        <label htmlFor={`${id}-idea`} className="block text-sm font-medium">{t('studio.idea')}</label>
        <textarea id={`${id}-idea`} value={fields.idea} onChange={(e) => onChange({ idea: e.target.value })} required maxLength={500} rows={3}
          placeholder={t('studio.idea.hint')} className="mt-1 w-full rounded border border-slate-300 p-2" />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {GROUPS.map(({ group, list }) => (
          <div key={group}>
            <label htmlFor={`${id}-${group}`} className="block text-sm font-medium">{t(`studio.${group}`)}</label>
            <select id={`${id}-${group}`} value={fields[group]} onChange={(e) => onChange({ [group]: e.target.value } as Partial<IdeaFields>)}
              className="mt-1 w-full rounded border border-slate-300 bg-white p-2">
              {options[list].map((v) => <option key={v} value={v}>{choiceWords(group, v, t)}</option>)}
            </select>
          </div>
        ))}
      </div>
      <div>
        <label htmlFor={`${id}-extra`} className="block text-sm font-medium">{t('studio.extra')}</label>
        <input id={`${id}-extra`} type="text" value={fields.extra ?? ''} onChange={(e) => onChange({ extra: e.target.value })} maxLength={500}
          className="mt-1 w-full rounded border border-slate-300 p-2" />
      </div>
      {error ? <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(error, t)}</p> : null}
      <button type="submit" disabled={pending} className="w-full rounded bg-blue-600 px-4 py-3 font-semibold text-white disabled:opacity-50">
        {pending ? t('studio.makingPrompt') : t('studio.makePrompt', { price: priceWords(options.prices.prompt, t) })}
      </button>
    </form>
  );
}
