import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useStudioVideo } from './use-studio-video';

vi.mock('./studio-api', () => ({ studioApi: { getVideo: async (jobId: string) => ({ jobId, status: 'cancelled', progress: 5 }) } }));
const follow = vi.fn(async () => {});
vi.mock('../../platform/api/job-events', async (importOriginal) => ({ ...(await importOriginal<object>()), followJob: (...args: unknown[]) => follow(...(args as [])) }));

afterEach(cleanup);

function Probe() {
  const q = useStudioVideo('job_v');
  return <span data-testid="status">{q.data?.status ?? ''}</span>;
}

describe('useStudioVideo', () => {
  it('reads the balance and the history again for a video that had already ended, without opening a stream', async () => {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    const view = render(
      <QueryClientProvider client={client}>
        <Probe />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(view.getByTestId('status').textContent).toBe('cancelled'));
    await waitFor(() => expect(invalidate.mock.calls.map(([f]) => f?.queryKey)).toEqual([['me'], ['studio-history']]));
    expect(follow).not.toHaveBeenCalled();
  });
});
