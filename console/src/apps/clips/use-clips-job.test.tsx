import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useClipsJob } from './use-clips-job';

const job = { current: { id: 'job_1', status: 'failed', progress: 0.3 } };
vi.mock('../../platform/api/client', () => ({
  api: { GET: async () => ({ data: job.current, response: new Response() }) },
  unwrap: (r: { data: unknown }) => r.data,
}));
const follow = vi.fn(async () => {});
vi.mock('../../platform/api/job-events', () => ({ followJob: (...args: unknown[]) => follow(...(args as [])) }));

afterEach(cleanup);

function Probe() {
  const q = useClipsJob('job_1');
  return <span data-testid="status">{q.data?.status ?? ''}</span>;
}

describe('useClipsJob', () => {
  it('reads the balance again for a job that had already ended at the first read, without opening a stream', async () => {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    const view = render(
      <QueryClientProvider client={client}>
        <Probe />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(view.getByTestId('status').textContent).toBe('failed'));
    await waitFor(() => expect(invalidate).toHaveBeenCalledWith({ queryKey: ['me'] }));
    expect(follow).not.toHaveBeenCalled();
  });
});
