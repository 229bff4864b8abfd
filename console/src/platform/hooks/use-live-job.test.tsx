import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobEvent } from '../api/job-events';
import { useLiveJob } from './use-live-job';

type Listener = (e: JobEvent) => void;
const streams: { jobId: string; listener: Listener; end: () => void }[] = [];
const follow = vi.fn((jobId: string, listener: Listener) => new Promise<void>((end) => void streams.push({ jobId, listener, end })));
vi.mock('../api/job-events', async (importOriginal) => ({ ...(await importOriginal<object>()), followJob: (jobId: string, listener: Listener) => follow(jobId, listener) }));

afterEach(() => {
  cleanup();
  streams.length = 0;
  follow.mockClear();
});

function mount(job: { current: { status: string } }, onEnded: () => void) {
  const client = new QueryClient();
  const read = vi.fn(async () => ({ ...job.current }));
  function Probe() {
    const q = useLiveJob({ jobId: 'job_1', queryKey: ['probe', 'job_1'], read, pollMs: 1000, onEnded });
    return <span data-testid="status">{q.data?.status ?? ''}</span>;
  }
  const view = render(<QueryClientProvider client={client}><Probe /></QueryClientProvider>);
  return { view, read };
}

describe('useLiveJob', () => {
  it('runs onEnded for a job that had already ended at the first read, without opening a stream', async () => {
    const onEnded = vi.fn();
    const { view } = mount({ current: { status: 'failed' } }, onEnded);
    await waitFor(() => expect(view.getByTestId('status').textContent).toBe('failed'));
    await waitFor(() => expect(onEnded).toHaveBeenCalledTimes(1));
    expect(follow).not.toHaveBeenCalled();
  });

  it('follows a running job: each event reads it again, and its end runs onEnded once', async () => {
    const job = { current: { status: 'running' } };
    const onEnded = vi.fn();
    const { view, read } = mount(job, onEnded);
    await waitFor(() => expect(streams).toHaveLength(1));
    const reads = read.mock.calls.length;
    job.current = { status: 'completed' };
    streams[0]!.listener({ jobId: 'job_1', seq: 2, status: 'completed', progress: 1, at: new Date().toISOString() });
    streams[0]!.end();
    await waitFor(() => expect(view.getByTestId('status').textContent).toBe('completed'));
    expect(read.mock.calls.length).toBeGreaterThan(reads);
    await waitFor(() => expect(onEnded).toHaveBeenCalledTimes(1));
  });
});
