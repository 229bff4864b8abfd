import { useI18n } from '../../platform/i18n/i18n';
import { seconds, type SceneRow } from './mv-timeline';

const COLORS = ['bg-blue-400', 'bg-emerald-400', 'bg-amber-400', 'bg-fuchsia-400', 'bg-cyan-400', 'bg-lime-400'];

/** The scenes as bars over 0..length: a gap shows as empty track, an overlap as stacked bars. */
export function TimelineBar({ rows, length }: { rows: readonly SceneRow[]; length: number }) {
  const { t } = useI18n();
  const pos = (x: number) => `${Math.min(100, Math.max(0, (x / length) * 100))}%`;
  return (
    <div role="img" aria-label={t('mv.editor.timeline', { length })} data-testid="mv-timeline-bar" className="relative h-8 w-full rounded bg-slate-100">
      {rows.map((r, i) => {
        const start = seconds(r.start);
        const end = seconds(r.end);
        if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null;
        return (
          <div key={i} title={t('mv.editor.bar', { n: i + 1, start, end })}
            className={`absolute border-r border-white text-center text-xs leading-8 opacity-80 ${COLORS[i % COLORS.length]} ${i % 2 ? 'top-1 h-6' : 'top-0 h-8'}`}
            style={{ left: pos(start), width: `calc(${pos(end)} - ${pos(start)})` }}>
            {i + 1}
          </div>
        );
      })}
    </div>
  );
}
