import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { apps } from '../apps';
import { App } from './App';
import { catalog } from './i18n/catalog';
import { I18nProvider } from './i18n/i18n';
import './index.css';

// The one place that picks the apps: everything below receives them.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider messages={catalog(apps)}>
        <App apps={apps} />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
