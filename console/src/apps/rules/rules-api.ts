import { api, unwrap } from '../../platform/api/client';
import type { components } from '../../platform/api/schema';

type Schemas = components['schemas'];
export type RuleOperation = Schemas['RuleOperation'];
export type Op = RuleOperation['op'];
export type RulesMe = Schemas['S3Me']['data'];
export type Preset = Schemas['S3Preset']['data'];
export type Rule = Schemas['S3Rule']['data'];
export type BatchJob = Schemas['S3Job'];
export type BatchItem = BatchJob['items'][number];
export type CreatedJob = Schemas['S3JobCreated']['data'];
export type UploadGrant = CreatedJob['uploads'][number];
export type CreateJobBody = Schemas['S3CreateJob'];
export type UploadMime = NonNullable<CreateJobBody['mimes']>[number];

/** Seed 003 answers every `/s3` call in its envelope: the caller wants what is inside. An error envelope throws ApiError (code and details in `body.error`). */
const inside = <T>(result: { data?: { data: T }; error?: unknown; response: Response }): T => unwrap(result).data;
const byId = (id: string) => ({ params: { path: { id } } });

/** The rules app's endpoints (`/s3/...`), typed from the server's OpenAPI document; the same Bearer token as the rest of the console. */
export const rulesApi = {
  me: async () => inside(await api.GET('/s3/me')),
  presets: async () => inside(await api.GET('/s3/presets')),
  rules: async () => inside(await api.GET('/s3/rules')),
  createRule: async (body: { name: string; operations: RuleOperation[] }) => inside(await api.POST('/s3/rules', { body })),
  updateRule: async (id: string, body: { name?: string; operations?: RuleOperation[] }) => inside(await api.PUT('/s3/rules/{id}', { ...byId(id), body })),
  deleteRule: async (id: string) => inside(await api.DELETE('/s3/rules/{id}', byId(id))),
  createJob: async (body: CreateJobBody) => inside(await api.POST('/s3/jobs', { body })),
  confirmUpload: async (id: string) => inside(await api.POST('/s3/jobs/{id}/confirm-upload', byId(id))),
  execute: async (id: string) => inside(await api.POST('/s3/jobs/{id}/execute', byId(id))),
  job: async (id: string) => inside(await api.GET('/s3/jobs/{id}', byId(id))),
  cancel: async (id: string) => inside(await api.POST('/s3/jobs/{id}/cancel', byId(id))),
};

/** Query keys the pages share: what an action reads again. */
export const rulesKeys = { me: ['rules-me'], presets: ['rules-presets'], rules: ['rules-list'], job: (id: string) => ['rules-job', id] } as const;

/** A job that changes no more: polling stops, cancel is gone. */
export const jobEnded = (status: BatchJob['status']) => status === 'completed' || status === 'failed' || status === 'cancelled';
