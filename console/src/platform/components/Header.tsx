import type { ConsoleApp } from '../console-app';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { useMe } from '../hooks/use-me';
import { ADMIN_PATH, navigate, type Route } from '../hooks/use-route';

/** The title, a link to each app's page, to the jobs list and (for admins only) to the admin page, the credit balance and the language switch. */
export function Header({ route, apps }: { route: Route; apps: readonly ConsoleApp[] }) {
  const { t, toggle } = useI18n();
  const me = useMe();
  const link = (href: string, label: string, active: boolean) => (
    <a
      key={href}
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
        <nav aria-label="main" className="flex flex-wrap gap-1">
          {apps.map((app) => link(app.paths[0], t(app.nav as MessageKey), route.page === 'app' && route.app === app))}
          {link('/jobs', t('nav.jobs'), route.page === 'jobs' || route.page === 'job')}
          {me.data?.role === 'admin' && link(ADMIN_PATH, t('nav.admin'), route.page === 'admin')}
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
