import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { catalog } from '../../platform/i18n/catalog';
import { I18nProvider } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';
import { rulesApp } from './app';

export const messages = catalog([rulesApp]);

/** Renders a rules component as the console does: a query client (no retries, errors show at once) and the text in `lang`. */
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

/** `t()` outside React, for tests of the words alone. */
export const translate = (lang: 'ko' | 'en') => (key: MessageKey, vars?: Record<string, string | number>) =>
  Object.entries(vars ?? {}).reduce<string>((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), messages[lang][key]);
