import { useI18n } from '../../platform/i18n/i18n';
import type { Blueprint } from './mv-api';

/** The locked blueprint (LOCK_BLUEPRINT_CORE): title, lyrics and the scenes with their times. */
export function BlueprintView({ blueprint }: { blueprint: Blueprint }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="mv-bp-h" data-testid="mv-blueprint" className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="mv-bp-h" className="text-lg font-semibold">{t('mv.done.blueprint')}</h2>
        {blueprint.edited && <span className="rounded bg-blue-100 px-2 text-xs text-blue-800">{t('mv.done.edited')}</span>}
      </div>
      <h3 className="text-xl font-bold">{blueprint.title}</h3>
      <p className="text-slate-700">{blueprint.logline}</p>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <div>
          <h4 className="font-medium">{t('mv.done.lyrics')}</h4>
          <pre data-testid="mv-blueprint-lyrics" className="whitespace-pre-wrap break-words font-sans text-sm">{blueprint.lyrics}</pre>
        </div>
        <div>
          <h4 className="font-medium">{t('mv.done.scenes')}</h4>
          <ol className="space-y-2 text-sm" data-testid="mv-blueprint-scenes">
            {blueprint.mv_script.map((s) => (
              <li key={s.scene_id}>
                <span className="font-mono text-xs text-slate-500">{s.scene_id} · {t('mv.done.sceneTime', { start: s.start, end: s.end })}</span>
                <p>{s.description}</p>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}
