import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/api/client';
import { I18nProvider } from '../../platform/i18n/i18n';
import { catalog } from '../../platform/i18n/catalog';
import type { MessageKey } from '../../platform/i18n/messages';
import { clipsApp } from './app';
import { ClipsPage, explain } from './ClipsPage';

afterEach(cleanup);

const messages = catalog([clipsApp]);

function renderPage(lang: 'ko' | 'en' = 'ko') {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <I18nProvider initial={lang} messages={messages}>
        <ClipsPage />
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe('ClipsPage', () => {
  it('shows the price before the click, following mode and rewrite', () => {
    renderPage('en');
    expect(screen.getByTestId('price').textContent).toBe('Credits needed: 2');
    fireEvent.click(screen.getByLabelText('Trailer (5 credits)'));
    fireEvent.click(screen.getByLabelText('Rewrite with my story (+1 credit)'));
    // The rewrite costs its credit only with text to rewrite, as the server charges it.
    expect(screen.getByTestId('price').textContent).toBe('Credits needed: 5');
    fireEvent.change(screen.getByRole('textbox', { name: /My story/ }), { target: { value: '바닷가 마을' } });
    expect(screen.getByTestId('price').textContent).toBe('Credits needed: 6');
    fireEvent.click(screen.getByLabelText('Quick (free once a day)'));
    expect(screen.getByTestId('price').textContent).toBe('Credits needed: 0');
  });

  it('refuses a file of the wrong type with a message, before any upload', () => {
    renderPage('ko');
    const input = screen.getByLabelText('사진 선택') as HTMLInputElement;
    const gif = new File(['GIF89a'], 'anim.gif', { type: 'image/gif' });
    fireEvent.change(input, { target: { files: [gif] } });
    expect(screen.getByRole('alert').textContent).toContain('anim.gif: JPEG, PNG, WebP만 올릴 수 있습니다.');
    expect((screen.getByRole('button', { name: '만들기' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('names every choice in the user’s language', () => {
    renderPage('ko');
    const stage = screen.getByLabelText('인생 단계') as HTMLSelectElement;
    expect([...stage.options].map((o) => o.textContent)).toEqual(['어린 시절', '10대', '20대', '30대', '중년', '노년']);
    expect(stage.value).toBe('teen');
  });

  it('gives every control an accessible name', () => {
    renderPage('ko');
    for (const el of screen.getAllByRole('slider')) expect(el.closest('label')?.textContent).toBeTruthy();
    for (const el of screen.getAllByRole('combobox')) expect(el.closest('label')?.textContent).toBeTruthy();
  });
});

describe('errors in words', () => {
  const t = (key: MessageKey, vars?: Record<string, string | number>) =>
    Object.entries(vars ?? {}).reduce<string>((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), messages.ko[key]);

  it('explains a 429 and a 402 rather than showing a code', () => {
    expect(explain(new ApiError(429, { error: 'Daily free limit reached (1 Quick/day)', code: 'DAILY_LIMIT' }), t)).toBe(messages.ko['error.daily']);
    expect(explain(new ApiError(402, { error: 'Not enough credits', needed: 5, balance: 3 }), t)).toBe('크레딧이 부족합니다: 5 크레딧이 필요하고 3 크레딧이 남아 있습니다.');
  });
});
