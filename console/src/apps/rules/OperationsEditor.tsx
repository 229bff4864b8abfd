import { useId, useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { MAX_OPERATIONS, OPERATIONS, OP_NAMES, isAiOp, newOperation, type FieldSpec } from './operation-vocabulary';
import type { Op, RuleOperation } from './rules-api';
import { choiceWords, fieldWords, opWords } from './rules-words';

/**
 * A rule's ordered operations: each with its fields, moved up or down, removed; a new one added
 * from the vocabulary. The server checks the values (and names a bad field); the inputs carry its
 * limits so a browser and a screen reader know them too.
 */
export function OperationsEditor({ operations, onChange }: { operations: RuleOperation[]; onChange: (ops: RuleOperation[]) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [adding, setAdding] = useState<Op>('resize');
  const set = (i: number, op: RuleOperation) => onChange(operations.map((o, j) => (j === i ? op : o)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...operations];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    onChange(next);
  };
  return (
    <div className="space-y-3">
      <h3 className="font-semibold">{t('rules.ops')}</h3>
      {operations.length === 0 && <p className="text-sm text-slate-600">{t('rules.ops.empty')}</p>}
      <ol className="space-y-2" data-testid="operations">
        {operations.map((op, i) => {
          const name = opWords(op.op, t);
          const n = i + 1;
          return (
            <li key={i} data-op={op.op} className="rounded border border-slate-200 p-3">
              <fieldset className="space-y-2">
                <legend className="flex flex-wrap items-center gap-2 font-medium">
                  <span>{n}. {name}</span>
                  {isAiOp(op.op) && <span className="rounded bg-amber-100 px-2 text-xs text-amber-900">{t('rules.ops.ai')}</span>}
                </legend>
                {OPERATIONS[op.op].fields.length === 0
                  ? <p className="text-sm text-slate-600">{t('rules.ops.noFields')}</p>
                  : (
                    <div className="grid gap-2 sm:grid-cols-2">
                      {OPERATIONS[op.op].fields.map((f) => <Field key={f.name} id={`${id}-${i}-${f.name}`} spec={f} op={op} onChange={(o) => set(i, o)} />)}
                    </div>
                  )}
                <div className="flex flex-wrap gap-2">
                  <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('rules.ops.up', { n, name })}
                    className="rounded border border-slate-300 px-3 py-1 text-sm disabled:opacity-40">↑</button>
                  <button type="button" disabled={i === operations.length - 1} onClick={() => move(i, 1)} aria-label={t('rules.ops.down', { n, name })}
                    className="rounded border border-slate-300 px-3 py-1 text-sm disabled:opacity-40">↓</button>
                  <button type="button" onClick={() => onChange(operations.filter((_, j) => j !== i))} aria-label={t('rules.ops.remove', { n, name })}
                    className="rounded border border-red-300 px-3 py-1 text-sm text-red-800">✕</button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 grow">
          <label htmlFor={`${id}-add`} className="block text-sm font-medium">{t('rules.ops.add')}</label>
          <select id={`${id}-add`} value={adding} onChange={(e) => setAdding(e.target.value as Op)} className="mt-1 w-full rounded border border-slate-300 bg-white p-2">
            {OP_NAMES.map((op) => <option key={op} value={op}>{opWords(op, t)}</option>)}
          </select>
        </div>
        <button type="button" disabled={operations.length >= MAX_OPERATIONS} onClick={() => onChange([...operations, newOperation(adding)])}
          className="rounded bg-slate-800 px-4 py-2 text-sm font-medium text-white disabled:opacity-50">{t('rules.ops.addButton')}</button>
      </div>
      {operations.length >= MAX_OPERATIONS && <p className="text-sm text-slate-600">{t('rules.ops.max', { n: MAX_OPERATIONS })}</p>}
    </div>
  );
}

/** One field of an operation; a number left empty is sent without it (width/height) or as typed for the server to name. */
function Field({ id, spec, op, onChange }: { id: string; spec: FieldSpec; op: RuleOperation; onChange: (op: RuleOperation) => void }) {
  const { t } = useI18n();
  const value = (op as Record<string, unknown>)[spec.name];
  const put = (v: unknown) => {
    const next: Record<string, unknown> = { ...op, [spec.name]: v };
    if (v === undefined) delete next[spec.name];
    onChange(next as RuleOperation);
  };
  const number = (raw: string) => (raw === '' ? undefined : Number(raw));
  const label = <label htmlFor={id} className="block text-sm">{fieldWords(spec.name, t)}</label>;
  const box = 'mt-1 w-full rounded border border-slate-300 bg-white p-2';
  switch (spec.kind) {
    case 'choice':
      return (
        <div>
          {label}
          <select id={id} value={String(value ?? spec.choices[0])} className={box}
            onChange={(e) => put(typeof spec.choices[0] === 'number' ? Number(e.target.value) : e.target.value)}>
            {spec.choices.map((c) => <option key={c} value={c}>{choiceWords(c, t)}</option>)}
          </select>
        </div>
      );
    case 'range':
      return (
        <div className="sm:col-span-2">
          {label}
          <div className="flex items-center gap-2">
            <input type="range" min={spec.min} max={spec.max} value={Number(value ?? 0)} onChange={(e) => put(Number(e.target.value))}
              aria-hidden="true" tabIndex={-1} className="min-w-0 grow" />
            <input id={id} type="number" min={spec.min} max={spec.max} step={1} value={value === undefined ? '' : String(value)}
              onChange={(e) => put(number(e.target.value))} className="w-24 rounded border border-slate-300 p-2" />
          </div>
        </div>
      );
    case 'number':
      return (
        <div>
          {label}
          <input id={id} type="number" min={spec.min} max={spec.max} step={spec.step} required={!spec.optional}
            value={value === undefined ? '' : String(value)} onChange={(e) => put(number(e.target.value))} className={box} />
        </div>
      );
    case 'text':
      return (
        <div>
          {label}
          <input id={id} type="text" maxLength={spec.maxLength} pattern={spec.pattern} required value={String(value ?? '')}
            onChange={(e) => put(e.target.value)} className={box} />
        </div>
      );
    case 'toggle':
      return (
        <div className="flex items-center gap-2 pt-6">
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => put(e.target.checked)} className="h-4 w-4" />
          <label htmlFor={id} className="text-sm">{fieldWords(spec.name, t)}</label>
        </div>
      );
    case 'color':
      return (
        <div>
          {label}
          <input id={id} type="color" value={String(value ?? '#ffffff')} onChange={(e) => put(e.target.value)} className="mt-1 h-10 w-20 rounded border border-slate-300" />
        </div>
      );
  }
}
