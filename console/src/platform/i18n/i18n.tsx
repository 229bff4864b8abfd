import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Catalog } from './catalog';
import type { Lang, MessageKey } from './messages';

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;
const I18n = createContext<{ lang: Lang; t: Translate; toggle: () => void } | null>(null);

/** Korean unless English was chosen before; `messages` is the platform's and the apps' text (`catalog()`). */
export function I18nProvider({ children, messages, initial }: { children: ReactNode; messages: Catalog; initial?: Lang }) {
  const [lang, setLang] = useState<Lang>(initial ?? (localStorage.getItem('mediaforge.lang') === 'en' ? 'en' : 'ko'));
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('mediaforge.lang', lang);
  }, [lang]);
  const t = useCallback<Translate>(
    (key, vars) => Object.entries(vars ?? {}).reduce<string>((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), messages[lang][key]),
    [lang, messages],
  );
  const value = useMemo(() => ({ lang, t, toggle: () => setLang((l) => (l === 'ko' ? 'en' : 'ko')) }), [lang, t]);
  return <I18n.Provider value={value}>{children}</I18n.Provider>;
}

export function useI18n() {
  const ctx = useContext(I18n);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
