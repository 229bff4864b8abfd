import { useQueryClient } from '@tanstack/react-query';
import { useLiveJob } from '../../platform/hooks/use-live-job';
import { studioApi } from './studio-api';

export const videoKey = (jobId: string) => ['studio-video', jobId];

/**
 * A studio video job, live: each event of its Server-Sent Events stream reads the video again (the
 * server's view names its status and adds the URLs once made); when the stream fails, it is polled
 * every second.
 */
export function useStudioVideo(jobId: string) {
  const client = useQueryClient();
  return useLiveJob({
    jobId, queryKey: videoKey(jobId), read: () => studioApi.getVideo(jobId), pollMs: 1000,
    // An ended video may have refunded its credits, and the history shows it: read both again.
    onEnded: () => {
      void client.invalidateQueries({ queryKey: ['me'] });
      void client.invalidateQueries({ queryKey: ['studio-history'] });
    },
  });
}
