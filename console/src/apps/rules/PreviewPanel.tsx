import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { previewPlan } from './preview-geometry';
import { renderOriginal, renderPreview, type PreviewSource } from './render-preview';
import type { RuleOperation } from './rules-api';
import { choiceWords, opWords } from './rules-words';
import { drawSamplePhoto } from './sample-photo';

/**
 * The live before/after of a rule, drawn by the browser on the sample photo or on one the user
 * picks (read locally, never uploaded). The AI steps and the size and format of the result are
 * said in words: the canvas cannot show them.
 */
export function PreviewPanel({ operations }: { operations: readonly RuleOperation[] }) {
  const { t } = useI18n();
  const id = useId();
  const sample = useMemo(drawSamplePhoto, []);
  const [own, setOwn] = useState<PreviewSource | null>(null);
  const [unreadable, setUnreadable] = useState(false);
  const source = own ?? sample;
  const before = useRef<HTMLCanvasElement>(null);
  const after = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (source && before.current) renderOriginal(source, before.current);
  }, [source]);
  useEffect(() => {
    if (source && after.current) renderPreview(source, operations, after.current);
  }, [source, operations]);

  const plan = previewPlan(source ?? { width: 1200, height: 800 }, operations);
  return (
    <section aria-labelledby={`${id}-h`} className="min-w-0 space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id={`${id}-h`} className="text-lg font-semibold">{t('rules.preview')}</h2>
      <p className="text-sm text-slate-600">{t('rules.preview.note')}</p>
      <div className="grid grid-cols-2 gap-2">
        <figure className="min-w-0">
          <canvas ref={before} role="img" aria-label={t('rules.preview.before')} data-testid="preview-before" className="h-auto w-full rounded bg-slate-100" />
          <figcaption className="text-center text-sm">{t('rules.preview.before')}</figcaption>
        </figure>
        <figure className="min-w-0">
          <canvas ref={after} role="img" aria-label={t('rules.preview.after')} data-testid="preview-after" className="h-auto w-full rounded bg-slate-100" />
          <figcaption className="text-center text-sm">{t('rules.preview.after')}</figcaption>
        </figure>
      </div>
      <ul className="space-y-1 text-sm" data-testid="preview-notes">
        <li>{t('rules.preview.size', { width: plan.size.width, height: plan.size.height })}</li>
        <li>{t('rules.preview.format', { format: choiceWords(plan.format, t) })}</li>
        {plan.notShown.map((op) => <li key={op} className="text-amber-800">{t('rules.preview.aiSkipped', { name: opWords(op, t) })}</li>)}
        {plan.centred.map((op) => <li key={op} className="text-slate-600">{t('rules.preview.gravityCenter', { name: opWords(op, t) })}</li>)}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor={`${id}-own`} className="text-sm font-medium">{t('rules.preview.own')}</label>
        <input id={`${id}-own`} type="file" accept="image/jpeg,image/png,image/webp" className="max-w-full text-sm"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            try {
              // Decoded here, EXIF orientation applied: the photo never leaves the browser for a preview.
              const bitmap = await createImageBitmap(file);
              setOwn({ image: bitmap, width: bitmap.width, height: bitmap.height });
              setUnreadable(false);
            } catch {
              setUnreadable(true);
            }
          }} />
        {own && (
          <button type="button" onClick={() => setOwn(null)} className="rounded border border-slate-300 px-3 py-1 text-sm">
            {t('rules.preview.useSample')}
          </button>
        )}
      </div>
      {unreadable && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{t('rules.preview.unreadable')}</p>}
    </section>
  );
}
