import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import type { ConsoleApp } from './console-app';
import { catalog } from './i18n/catalog';
import { I18nProvider } from './i18n/i18n';

// The shell against two made-up apps: everything it shows of them comes from the list.
const jobs: Record<string, { app: string }> = { j1: { app: 'alpha' }, j2: { app: 'beta' } };
const me = { credits: 7, role: 'user' };
vi.mock('./api/client', () => ({
  api: {
    GET: async (path: string, opts?: { params: { path: { id: string } } }) => {
      if (path === '/v1/me') return { data: me, response: new Response() };
      if (path === '/v1/jobs') return { data: { jobs: [{ id: 'j1', app: 'alpha', status: 'completed', createdAt: '2026-01-01T00:00:00Z' }, { id: 'j2', app: 'beta', status: 'running', createdAt: '2026-01-01T00:00:00Z' }], nextCursor: null }, response: new Response() };
      return { data: jobs[opts!.params.path.id], response: new Response() };
    },
  },
  unwrap: (r: { data: unknown }) => r.data,
}));

const alpha: ConsoleApp = {
  id: 'alpha', paths: ['/', '/alpha'], nav: 'nav.alpha',
  Page: () => <p>alpha page</p>,
  JobPage: ({ id }) => <p>alpha job {id}</p>,
  messages: { ko: { 'nav.alpha': '알파' }, en: { 'nav.alpha': 'Alpha' } },
};
const beta: ConsoleApp = {
  id: 'beta', paths: ['/beta'], nav: 'nav.beta',
  Page: () => <p>beta page</p>,
  messages: { ko: { 'nav.beta': '베타' }, en: { 'nav.beta': 'Beta' } },
};
const apps = [alpha, beta];

afterEach(cleanup);

function renderAt(path: string) {
  history.replaceState(null, '', path);
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <I18nProvider initial="en" messages={catalog(apps)}>
        <App apps={apps} />
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe('the console shell', () => {
  it('links each app in the header and opens the page its path names, the first app for any other path', () => {
    renderAt('/beta');
    expect(screen.getByText('beta page')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'main' });
    expect([...nav.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.textContent, a.getAttribute('aria-current')]))
      .toEqual([['/', 'Alpha', null], ['/beta', 'Beta', 'page'], ['/jobs', 'My jobs', null]]);
    fireEvent.click(screen.getByRole('link', { name: 'Alpha' }));
    expect(screen.getByText('alpha page')).toBeTruthy();
    cleanup();
    renderAt('/nowhere');
    expect(screen.getByText('alpha page')).toBeTruthy();
  });

  it('links the admin page for an admin only, and tells anyone else it is for admins', async () => {
    renderAt('/admin');
    expect((await screen.findByRole('alert')).textContent).toBe('This page is for admins only.');
    expect(screen.queryByRole('link', { name: 'Admin' })).toBeNull();
    cleanup();
    me.role = 'admin';
    try {
      renderAt('/jobs');
      const link = await screen.findByRole('link', { name: 'Admin' });
      expect(link.getAttribute('href')).toBe('/admin');
      expect(screen.getByRole('link', { name: 'My jobs' }).getAttribute('aria-current')).toBe('page');
    } finally {
      me.role = 'user';
    }
  });

  it('opens an app’s page for a path its `:name` segments match, and no other', () => {
    const gamma: ConsoleApp = { id: 'gamma', paths: ['/gamma', '/gamma/:kind/:id'], nav: 'nav.gamma', Page: () => <p>gamma page</p>, messages: { ko: { 'nav.gamma': '감마' }, en: { 'nav.gamma': 'Gamma' } } };
    for (const [path, page] of [['/gamma/a/b', 'gamma page'], ['/gamma/a', 'alpha page'], ['/gamma/a/b/c', 'alpha page'], ['/gamma//b', 'alpha page']]) {
      history.replaceState(null, '', path);
      render(
        <QueryClientProvider client={new QueryClient()}>
          <I18nProvider initial="en" messages={catalog([...apps, gamma])}><App apps={[...apps, gamma]} /></I18nProvider>
        </QueryClientProvider>,
      );
      expect(screen.getByText(page!), path).toBeTruthy();
      cleanup();
    }
  });

  it('shows a job with the job page of the app it belongs to', async () => {
    renderAt('/jobs/j1');
    expect(await screen.findByText('alpha job j1')).toBeTruthy();
  });

  it('says so for a job whose app has no job page, and lists such jobs without a link', async () => {
    renderAt('/jobs/j2');
    expect((await screen.findByRole('alert')).textContent).toBe('This job cannot be opened in the console.');
    cleanup();
    renderAt('/jobs');
    await screen.findByText('alpha');
    expect(screen.getAllByRole('link', { name: 'Open' }).map((a) => a.getAttribute('href'))).toEqual(['/jobs/j1']);
  });
});
