import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { catalog } from '../../platform/i18n/catalog';
import { I18nProvider } from '../../platform/i18n/i18n';
import { studioApp } from './app';

export const messages = catalog([studioApp]);

/** Renders a studio component as the console does: a query client (no retries, errors show at once) and the text in `lang`. */
export function renderWith(ui: ReactNode, lang: 'ko' | 'en' = 'ko') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <I18nProvider initial={lang} messages={messages}>{ui}</I18nProvider>
      </QueryClientProvider>,
    ),
  };
}
