import { describe, expect, it } from 'vitest';
import { apps } from '../../apps';
import type { ConsoleApp } from '../console-app';
import { catalog } from './catalog';
import { platformMessages } from './messages';

describe('messages', () => {
  it('has every key in Korean and English, none empty: the platform’s and each app’s', () => {
    for (const [owner, messages] of [['platform', platformMessages], ...apps.map((a) => [a.id, a.messages] as const)] as const) {
      expect(Object.keys(messages.en).sort(), owner).toEqual(Object.keys(messages.ko).sort());
      for (const lang of ['ko', 'en'] as const) {
        for (const [key, text] of Object.entries(messages[lang])) expect(text, `${owner} ${lang} ${key}`).not.toBe('');
      }
    }
  });

  it('merges the apps’ messages with the platform’s, refusing a key taken twice', () => {
    const merged = catalog(apps);
    expect(merged.ko['nav.jobs']).toBe('내 작업');
    expect(merged.en['nav.clips']).toBe('Make clips');
    const clash: ConsoleApp = { id: 'other', paths: ['/other'], nav: 'nav.jobs', Page: () => null, messages: { ko: { 'nav.jobs': '다른' }, en: { 'nav.jobs': 'Other' } } };
    expect(() => catalog([...apps, clash])).toThrow('console app other: message key nav.jobs is already taken');
  });
});
