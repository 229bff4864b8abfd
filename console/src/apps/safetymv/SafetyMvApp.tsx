import { MvFormPage } from './MvFormPage';
import { MvJobPage } from './MvJobPage';
import { mvRoute } from './mv-api';

/** The app's page for both of its paths: the shell re-renders it on every navigation, and the path picks the page. */
export function SafetyMvApp() {
  const route = mvRoute(location.pathname);
  return route.page === 'job' ? <MvJobPage key={route.id} id={route.id} /> : <MvFormPage />;
}
