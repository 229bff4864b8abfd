import { AdminPage } from './admin/AdminPage';
import { Header } from './components/Header';
import type { ConsoleApp } from './console-app';
import { useRoute } from './hooks/use-route';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';

/** The shell: the header, then the page the path names (an app's page, the jobs list, one job or the admin page). */
export function App({ apps }: { apps: readonly ConsoleApp[] }) {
  const route = useRoute(apps);
  return (
    <>
      <Header route={route} apps={apps} />
      <main className="mx-auto max-w-5xl px-4 py-6">
        {route.page === 'app' && <route.app.Page />}
        {route.page === 'jobs' && <JobsPage apps={apps} />}
        {route.page === 'job' && <JobPage id={route.id} apps={apps} />}
        {route.page === 'admin' && <AdminPage />}
      </main>
    </>
  );
}
