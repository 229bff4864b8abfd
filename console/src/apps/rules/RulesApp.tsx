import { BatchPage } from './BatchPage';
import { RulesNav, BATCH_PATH } from './RulesNav';
import { RulesPage } from './RulesPage';

/** The app's page for both of its paths: the shell re-renders it on every navigation, and the path picks the page. */
export function RulesApp() {
  const current = location.pathname === BATCH_PATH ? BATCH_PATH : '/rules';
  return (
    <div className="space-y-4">
      <RulesNav current={current} />
      {current === BATCH_PATH ? <BatchPage /> : <RulesPage />}
    </div>
  );
}
