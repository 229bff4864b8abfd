import { navigate } from '../../platform/hooks/use-route';
import { useI18n } from '../../platform/i18n/i18n';

export const RULES_PATH = '/rules';
export const BATCH_PATH = '/rules/batch';

/** The app's two pages, as links (the header links to the first); the current one is marked for screen readers. */
export function RulesNav({ current }: { current: string }) {
  const { t } = useI18n();
  const tabs = [[RULES_PATH, t('rules.tab.rules')], [BATCH_PATH, t('rules.tab.batch')]] as const;
  return (
    <nav aria-label={t('rules.tabs')} className="flex gap-2 border-b border-slate-200">
      {tabs.map(([href, label]) => (
        <a key={href} href={href} aria-current={current === href ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            navigate(href);
          }}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${current === href ? 'border-blue-600 text-blue-700' : 'border-transparent text-slate-700 hover:text-slate-900'}`}>
          {label}
        </a>
      ))}
    </nav>
  );
}
