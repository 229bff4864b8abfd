import { api, unwrap } from '../../platform/api/client';
import type { components } from '../../platform/api/schema';

type Schemas = components['schemas'];
export type StudioOptions = Schemas['StudioOptions'];
export type IdeaFields = Schemas['StudioPromptRequest'];
export type StudioImage = Schemas['StudioImage'];
export type StudioVideo = Schemas['StudioVideo'];
export type HistoryItem = Schemas['StudioHistoryItem'];
export type HistoryType = HistoryItem['type'];
export type VideoSeconds = Schemas['StudioVideoRequest']['seconds'];

/** A history page's length: enough to fill the panel, small enough to answer fast. */
export const HISTORY_PAGE = 10;

/** The studio's endpoints (`/api/...`, flat `{error, code}` errors), typed from the server's OpenAPI document. */
export const studioApi = {
  options: async () => unwrap(await api.GET('/api/studio/options')),
  prompt: async (body: IdeaFields) => unwrap(await api.POST('/api/prompts', { body })),
  image: async (body: Schemas['StudioImageRequest']) => unwrap(await api.POST('/api/images', { body })),
  regenerateImage: async (imageId: string) => unwrap(await api.POST('/api/images/{imageId}/regenerate', { params: { path: { imageId } } })),
  video: async (body: Schemas['StudioVideoRequest']) => unwrap(await api.POST('/api/videos', { body })),
  getVideo: async (jobId: string) => unwrap(await api.GET('/api/videos/{jobId}', { params: { path: { jobId } } })),
  cancelVideo: async (jobId: string) => unwrap(await api.POST('/api/videos/{jobId}/cancel', { params: { path: { jobId } } })),
  regenerateVideo: async (jobId: string) => unwrap(await api.POST('/api/videos/{jobId}/regenerate', { params: { path: { jobId } } })),
  history: async (type: HistoryType | undefined, cursor: string | undefined) =>
    unwrap(await api.GET('/api/history', { params: { query: { limit: HISTORY_PAGE, ...(type ? { type } : {}), ...(cursor ? { cursor } : {}) } } })),
};

/** The accepted answer of POST /api/videos and of a regenerate: the job and the words the console shows for it. */
export type QueuedVideo = Awaited<ReturnType<typeof studioApi.video>>;
