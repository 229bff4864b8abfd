import { api, unwrap } from '../../platform/api/client';
import type { components } from '../../platform/api/schema';

type Schemas = components['schemas'];
export type MvOptions = Schemas['MvOptions'];
export type PlanRequest = Required<Schemas['MvPlanRequest']>;
export type HitlRequest = Schemas['MvHitlRequest'];
export type MvCharacter = Schemas['MvCharacter'];
export type SourcePage = Schemas['MvSourcePages']['pages'][number];
export type MvPlan = Schemas['MvPlan'];
export type MvStatus = MvPlan['status'];
export type MvState = MvPlan['state'];
/** What was asked (length, styles, genre, model, review mode, the PDF), as GET /mv/jobs/{id} repeats it. */
export type MvRequest = MvPlan['request'];
export type HitlMode = PlanRequest['hitl_mode'];
export type MvLength = PlanRequest['length'];
export type MvStyle = PlanRequest['selectedStyles'][number];
export type MvGenre = PlanRequest['selectedGenres'];
export type LlmModel = PlanRequest['llm_model'];

/** The plan's parts, as the server's OpenAPI document declares them (mv-schemas.ts). */
type Result = NonNullable<MvPlan['result']>;
export type Artifacts = Result['job']['artifacts'];
export type Hitl = Result['hitl'];
export type HitlReason = NonNullable<Hitl['reason']>;
export type Evidence = Schemas['MvKeywordEvidence'];
export type EvidenceSource = Evidence['sources'][number];
export type Concept = Schemas['MvConcept'];
export type QaReport = NonNullable<Schemas['MvQaReport']>;
export type Blueprint = Schemas['MvBlueprint'];
export type CharacterAsset = Schemas['MvCharacterAsset'];
export type MediaPlan = Schemas['MvMediaPlan'];
/** The plan's newest render (POST .../render); the schema's `MvRender` is itself nullable. */
export type MvRender = NonNullable<MvPlan['render']>;

/** The artifacts of a plan that has them (at the review and after); null while it runs. */
export const artifactsOf = (plan: MvPlan): Artifacts | null => plan.result?.job.artifacts ?? null;
export const hitlOf = (plan: MvPlan): Hitl | null => plan.result?.hitl ?? null;

/** Seed 002's states in order; HITL only when a person is asked. */
export const MV_STATES = ['INIT', 'CONCEPT_GEN', 'QA', 'HITL', 'LOCK_BLUEPRINT_CORE', 'STYLE_BIND'] as const satisfies readonly MvState[];
/** Every state of the API's enum is in MV_STATES: this fails to compile once the server adds one. */
type Unlisted = Exclude<MvState, (typeof MV_STATES)[number]>;
export const everyStateListed: [Unlisted] extends [never] ? true : never = true;

/** A length of GET /mv/options ('30s') in seconds, for the form (a job's page has `request.length_seconds`). */
export const lengthSeconds = (length: MvLength) => Number.parseInt(length, 10) || 0;

const job = (id: string) => ({ params: { path: { job_id: id } } });

/** The PDF form: the same fields as strings, `selectedStyles` comma separated (mv-routes.ts). */
function uploadForm(file: File, body: PlanRequest): FormData {
  const form = new FormData();
  form.set('file', file, file.name);
  for (const [key, value] of Object.entries(body)) form.set(key, Array.isArray(value) ? value.join(',') : String(value));
  return form;
}

/** Seed 002's endpoints under `/mv`, and the platform's jobs list and cancel for its jobs. */
export const mvApi = {
  options: async () => unwrap(await api.GET('/mv/options')),
  create: async (body: PlanRequest) => unwrap(await api.POST('/mv/jobs', { body })),
  upload: async (file: File, body: PlanRequest) =>
    unwrap(await api.POST('/mv/jobs/upload', { body: uploadForm(file, body) as never, bodySerializer: (form: unknown) => form as FormData })),
  plan: async (id: string) => unwrap(await api.GET('/mv/jobs/{job_id}', job(id))),
  pages: async (id: string) => unwrap(await api.GET('/mv/jobs/{job_id}/pages', job(id))),
  review: async (id: string, body: HitlRequest) => unwrap(await api.POST('/mv/jobs/{job_id}/hitl', { ...job(id), body })),
  character: async (id: string) => unwrap(await api.GET('/mv/jobs/{job_id}/character', job(id))),
  render: async (id: string) => unwrap(await api.POST('/mv/jobs/{job_id}/render', job(id))),
  cancel: async (id: string) => unwrap(await api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } })),
  recent: async () => unwrap(await api.GET('/v1/jobs', { params: { query: { app: 'safetymv', limit: 10 } } })),
};

export const mvKeys = {
  options: ['safetymv', 'options'] as const,
  recent: ['safetymv', 'recent'] as const,
  plan: (id: string) => ['safetymv', 'plan', id] as const,
  pages: (id: string) => ['safetymv', 'pages', id] as const,
  character: (id: string) => ['safetymv', 'character', id] as const,
};

/** While a plan runs it is polled; at the review, completed or failed it changes only by a person's act. */
export const isPolled = (status: MvStatus | undefined) => status === undefined || status === 'running';
/** A render of the plan runs: the plan is read again until it ends (its `render` has the progress). */
export const isRendering = (plan: MvPlan | undefined) => plan?.render?.status === 'running';

/** A render's price in credits: a clip each (the media plan's video jobs) plus the music. */
export const renderPrice = (clips: number, prices: MvOptions['prices']) => clips * prices.clip + prices.music;

/** The console's pages (not `/mv`: that is the API's prefix). */
export const MV_PATH = '/safetymv';
/** The plan's pipeline: the app's jobs list also has its renders (`safetymv.render`). */
export const MV_PLAN_PIPELINE = 'safetymv.plan';
export const jobPath = (id: string) => `${MV_PATH}/${encodeURIComponent(id)}`;

export function mvRoute(pathname: string): { page: 'form' } | { page: 'job'; id: string } {
  const m = pathname.match(/^\/safetymv\/([^/]+)$/);
  return m ? { page: 'job', id: decodeURIComponent(m[1]!) } : { page: 'form' };
}
