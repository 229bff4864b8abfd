import { Header } from './components/Header';
import { useRoute } from './hooks/use-route';
import { ClipsPage } from '../apps/clips/ClipsPage';
import { ClipsJobPage } from '../apps/clips/ClipsJobPage';
import { JobsPage } from './pages/JobsPage';

export function App() {
  const route = useRoute();
  return (
    <>
      <Header route={route} />
      <main className="mx-auto max-w-5xl px-4 py-6">
        {route.page === 'clips' && <ClipsPage />}
        {route.page === 'jobs' && <JobsPage />}
        {route.page === 'job' && <ClipsJobPage id={route.id} />}
      </main>
    </>
  );
}
