import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { ConsoleApp } from '../console-app';
import { catalog } from '../i18n/catalog';
import { I18nProvider } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

/**
 * An app's component-test kit: its messages, a renderer as the console renders (a query client
 * with no retries, so errors show at once, and the text in `lang`), and `t()` outside React.
 */
export function appTestKit(app: ConsoleApp<string>) {
  const messages = catalog([app]);
  return {
    messages,
    renderWith(ui: ReactNode, lang: 'ko' | 'en' = 'ko') {
      const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
      return {
        client,
        ...render(
          <QueryClientProvider client={client}>
            <I18nProvider initial={lang} messages={messages}>{ui}</I18nProvider>
          </QueryClientProvider>,
        ),
      };
    },
    translate: (lang: 'ko' | 'en') => (key: MessageKey, vars?: Record<string, string | number>) =>
      Object.entries(vars ?? {}).reduce<string>((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), messages[lang][key]),
  };
}
