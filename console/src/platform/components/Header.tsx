import { useI18n } from '../i18n/i18n';
import { useMe } from '../hooks/use-me';
import { navigate, type Route } from '../hooks/use-route';

export function Header({ route }: { route: Route }) {
  const { t, toggle } = useI18n();
  const me = useMe();
  const link = (href: string, label: string, active: boolean) => (
    <a
      href={href}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
      aria-current={active ? 'page' : undefined}
      className={`rounded px-3 py-2 text-sm font-medium ${active ? 'bg-blue-600 text-white' : 'text-slate-700 hover:bg-slate-200'}`}
    >
      {label}
    </a>
  );
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-2 px-4 py-3">
        <span className="mr-4 text-lg font-bold">{t('app.title')}</span>
        <nav aria-label="main" className="flex gap-1">
          {link('/', t('nav.clips'), route.page === 'clips')}
          {link('/jobs', t('nav.jobs'), route.page !== 'clips')}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <span className="text-sm" data-testid="credits" aria-live="polite">
            {t('header.credits')}: <strong>{me.data?.credits ?? '…'}</strong>
          </span>
          <button type="button" onClick={toggle} className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100">
            {t('lang.switch')}
          </button>
        </div>
      </div>
    </header>
  );
}
