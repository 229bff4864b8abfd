import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode, type Ref } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { OperationsEditor } from './OperationsEditor';
import { PreviewPanel } from './PreviewPanel';
import { rulesApi, rulesKeys, type Preset, type Rule, type RuleOperation } from './rules-api';
import { explain } from './rules-errors';
import { opWords } from './rules-words';

/** What the editor holds: a rule being made (`id` null) or one of mine being changed. */
interface Draft {
  id: string | null;
  name: string;
  operations: RuleOperation[];
}

const copy = (ops: readonly RuleOperation[]) => ops.map((o) => ({ ...o }));

/** /rules: presets to start from, my rules with their slots, the editor and its live preview. */
export function RulesPage() {
  const { t, lang } = useI18n();
  const me = useQuery({ queryKey: rulesKeys.me, queryFn: rulesApi.me });
  const presets = useQuery({ queryKey: rulesKeys.presets, queryFn: rulesApi.presets });
  const rules = useQuery({ queryKey: rulesKeys.rules, queryFn: rulesApi.rules });
  const [draft, setDraft] = useState<Draft>({ id: null, name: '', operations: [] });
  const [notice, setNotice] = useState<string | null>(null);
  const editorHeading = useRef<HTMLHeadingElement>(null);
  const [focusEditor, setFocusEditor] = useState(false);
  useEffect(() => {
    if (focusEditor) editorHeading.current?.focus();
    setFocusEditor(false);
  }, [focusEditor]);

  const loading = me.isPending || presets.isPending || rules.isPending;
  const error = me.error ?? presets.error ?? rules.error;
  const open = (next: Draft) => {
    setDraft(next);
    setNotice(null);
    setFocusEditor(true);
  };
  const presetName = (p: Preset) => (lang === 'ko' ? p.name : p.name_en);
  const full = me.data ? me.data.rule_slots.used >= me.data.rule_slots.limit : false;

  return (
    <div className="space-y-4" aria-busy={loading}>
      <h1 className="text-2xl font-bold">{t('rules.heading')}</h1>
      {loading && <p>{t('rules.loading')}</p>}
      {error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(error, t)}</p>}
      {me.data && (
        <p data-testid="rule-slots" className="text-sm text-slate-700">
          {t('rules.slots', { used: me.data.rule_slots.used, limit: me.data.rule_slots.limit })}
          {full && <span className="mt-1 block text-amber-800">{t('rules.slots.full', { limit: me.data.rule_slots.limit })}</span>}
        </p>
      )}
      {notice && <p role="status" className="rounded bg-green-50 p-3 text-green-900">{notice}</p>}
      <div className="grid gap-4 md:grid-cols-2">
        <Panel title={t('rules.presets')}>
          <p className="text-sm text-slate-600">{t('rules.presets.hint')}</p>
          <ul className="space-y-2" data-testid="presets">
            {presets.data?.map((p) => (
              <li key={p.id} className="rounded border border-slate-200 p-3">
                <p className="font-medium">{presetName(p)}</p>
                <p className="text-sm text-slate-600">{p.description}</p>
                <p className="text-xs text-slate-500">{p.operations.map((o) => opWords(o.op, t)).join(' → ')}</p>
                <button type="button" onClick={() => open({ id: null, name: presetName(p), operations: copy(p.operations) })}
                  aria-label={`${t('rules.preset.use')}: ${presetName(p)}`}
                  className="mt-2 rounded border border-blue-600 px-3 py-1 text-sm font-medium text-blue-700">
                  {t('rules.preset.use')}
                </button>
              </li>
            ))}
          </ul>
        </Panel>
        <Panel title={t('rules.mine')}>
          {rules.data?.length === 0 && <p className="text-sm text-slate-600">{t('rules.mine.empty')}</p>}
          <ul className="space-y-2" data-testid="my-rules">
            {rules.data?.map((r) => (
              <MyRule key={r.id} rule={r} onEdit={() => open({ id: r.id, name: r.name, operations: copy(r.operations) })}
                onDeleted={() => {
                  if (draft.id === r.id) setDraft({ id: null, name: '', operations: [] });
                  setNotice(t('rules.mine.deleted', { name: r.name }));
                }} />
            ))}
          </ul>
          <button type="button" onClick={() => open({ id: null, name: '', operations: [] })}
            className="rounded border border-slate-400 px-3 py-1 text-sm font-medium">{t('rules.mine.new')}</button>
        </Panel>
      </div>
      <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <Editor draft={draft} onChange={setDraft} headingRef={editorHeading}
          onSaved={(rule) => {
            setDraft({ id: rule.id, name: rule.name, operations: copy(rule.operations) });
            setNotice(t('rules.editor.saved', { name: rule.name }));
          }} />
        <PreviewPanel operations={draft.operations} />
      </div>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="min-w-0 space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id={id} className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

/** One of my rules: edit, or delete after a second click that says which. */
function MyRule({ rule, onEdit, onDeleted }: { rule: Rule; onEdit: () => void; onDeleted: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation({
    mutationFn: () => rulesApi.deleteRule(rule.id),
    onSuccess: onDeleted,
    onSettled: () => {
      setAsking(false);
      void client.invalidateQueries({ queryKey: rulesKeys.rules });
      void client.invalidateQueries({ queryKey: rulesKeys.me });
    },
  });
  return (
    <li className="rounded border border-slate-200 p-3" data-rule-id={rule.id}>
      <p className="font-medium">{rule.name}</p>
      <p className="text-xs text-slate-500">{t('rules.opsCount', { n: rule.operations.length })} · {rule.operations.map((o) => opWords(o.op, t)).join(' → ')}</p>
      {asking ? (
        <div className="mt-2 flex flex-wrap items-center gap-2" role="group" aria-label={t('rules.mine.confirmDelete', { name: rule.name })}>
          <span className="text-sm">{t('rules.mine.confirmDelete', { name: rule.name })}</span>
          <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending} className="rounded bg-red-700 px-3 py-1 text-sm text-white">{t('rules.mine.confirm')}</button>
          <button type="button" onClick={() => setAsking(false)} className="rounded border border-slate-300 px-3 py-1 text-sm">{t('rules.mine.keep')}</button>
        </div>
      ) : (
        <div className="mt-2 flex gap-2">
          <button type="button" onClick={onEdit} aria-label={`${t('rules.mine.edit')}: ${rule.name}`} className="rounded border border-blue-600 px-3 py-1 text-sm text-blue-700">{t('rules.mine.edit')}</button>
          <button type="button" onClick={() => setAsking(true)} aria-label={`${t('rules.mine.delete')}: ${rule.name}`} className="rounded border border-red-300 px-3 py-1 text-sm text-red-800">{t('rules.mine.delete')}</button>
        </div>
      )}
      {remove.error && <p role="alert" className="mt-2 rounded bg-red-50 p-2 text-sm text-red-800">{explain(remove.error, t)}</p>}
    </li>
  );
}

/** The rule being made or changed: its name and operations, saved with POST (new) or PUT (mine). */
function Editor({ draft, onChange, onSaved, headingRef }: {
  draft: Draft;
  onChange: (d: Draft) => void;
  onSaved: (rule: Rule) => void;
  headingRef: Ref<HTMLHeadingElement>;
}) {
  const { t } = useI18n();
  const id = useId();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () => {
      const body = { name: draft.name.trim(), operations: draft.operations };
      return draft.id ? rulesApi.updateRule(draft.id, body) : rulesApi.createRule(body);
    },
    onSuccess: onSaved,
    onSettled: () => {
      void client.invalidateQueries({ queryKey: rulesKeys.rules });
      void client.invalidateQueries({ queryKey: rulesKeys.me });
    },
  });
  const [tried, setTried] = useState(false);
  // Another rule opened: the last save's refusal was about the one before.
  useEffect(() => {
    save.reset();
    setTried(false);
  }, [draft.id]);
  const empty = draft.operations.length === 0;
  return (
    <section aria-labelledby={`${id}-h`} className="min-w-0 space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id={`${id}-h`} ref={headingRef} tabIndex={-1} className="text-lg font-semibold">
        {draft.id ? t('rules.editor.edit', { name: draft.name }) : t('rules.editor.new')}
      </h2>
      <form className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!empty && draft.name.trim()) save.mutate();
        }}>
        <div>
          <label htmlFor={`${id}-name`} className="block text-sm font-medium">{t('rules.editor.name')}</label>
          <input id={`${id}-name`} type="text" required maxLength={80} value={draft.name}
            onChange={(e) => onChange({ ...draft, name: e.target.value })} className="mt-1 w-full rounded border border-slate-300 p-2" />
        </div>
        <OperationsEditor operations={draft.operations} onChange={(operations) => onChange({ ...draft, operations })} />
        {tried && empty && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{t('rules.editor.needOps')}</p>}
        {save.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(save.error, t)}</p>}
        <button type="submit" disabled={save.isPending} className="w-full rounded bg-blue-600 px-4 py-3 font-semibold text-white disabled:opacity-50">
          {save.isPending ? t('rules.editor.saving') : draft.id ? t('rules.editor.saveChanges') : t('rules.editor.save')}
        </button>
      </form>
    </section>
  );
}
