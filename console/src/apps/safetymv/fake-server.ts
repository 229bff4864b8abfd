import { createFakeApi, type FakeReply as Reply } from '../../platform/testing/fake-api';
import type { Artifacts, Concept, MediaPlan, MvOptions, MvPlan, MvRender, MvRequest, MvState, QaReport, SourcePage } from './mv-api';

/** The safety MV app's tests' stand-in for the server behind the typed client (platform/testing/fake-api.ts). */
const fake = createFakeApi();
export const fakeServer = fake.server;
export const fakeApi = fake.api;

export const fail = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });

/** The server's choices, with prices and a PDF limit other than the defaults: what the form shows must come from here. */
export const OPTIONS: MvOptions = {
  lengths: ['30s', '60s', '90s'], styles: ['minimal', 'modern', 'cartoon', 'anime'], genres: ['hiphop', 'kpop', 'ballad'],
  llm_models: ['gpt-4o-mini', 'gpt-4o'], hitl_modes: ['skip', 'always', 'auto'],
  defaults: { llm_model: 'gpt-4o-mini', llm_temperature: 0.4 },
  limits: { pdf_max_bytes: 1024, pdf_max_pages: 100, guidelines_max_chars: 200 },
  prices: { plan: 3, character: 2, clip: 1, music: 2 },
};

/** Seed 002's example guidelines (page 0, typed) and a PDF's pages 1 and 2, as GET .../pages answers. */
export const TYPED = '작업 전 보호구를 착용한다.\n장비 이상 징후 발견 시 즉시 중지한다.\n작업 후 장비를 점검하고 보호구를 정리한다.';
export const PAGES: SourcePage[] = [
  { page_number: 0, text: TYPED },
  { page_number: 1, text: '현장 안전 수칙\n작업 전 안전모를 쓴다.' },
  { page_number: 2, text: '사다리 위에서는 반드시 안전대를 체결한다.\n안전대 없이 작업하지 않는다.' },
];

/** An evidence source at the `nth` occurrence of `keyword` on `page`, offsets as the server computes them (UTF-16). */
export function source(page: number, keyword: string, nth = 0) {
  const text = PAGES.find((p) => p.page_number === page)!.text;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(keyword, at + 1);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const lineEnd = text.indexOf('\n', at);
  return { page_number: page, start_offset: at, end_offset: at + keyword.length, text: text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd) };
}

const scenes = (descs: string[]) => descs.map((description, i) => ({ scene_id: `s${i + 1}`, start: i * 10, end: (i + 1) * 10, description }));

const passed = (id: string): QaReport => ({ concept_id: id, passed: true, coverage: 1, uncovered_key_points: [], unsafe_scenes: [], timing_problems: [] });

export function concept(id: string, over: Partial<Concept> = {}): Concept {
  return {
    concept_id: id, title: `콘셉트 ${id}`, logline: `${id}의 한 줄 소개`, lyrics: `[Verse]\n보호구를 착용해 (${id})\n[Chorus]\n오늘도 무사히`, source: 'draft',
    mv_script: scenes(['보호구를 착용한다', '장비를 점검한다', '보호구를 정리한다']),
    qa: passed(id),
    ...over,
  };
}

export const ARTIFACTS: Artifacts = {
  extracted_keywords: ['보호구', '장비', '안전대'],
  key_points: ['작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다.'],
  keyword_evidence: [
    { keyword: '보호구', sources: [source(0, '보호구'), source(0, '보호구', 1)] },
    { keyword: '장비', sources: [source(0, '장비')] },
    { keyword: '안전대', sources: [source(2, '안전대')] },
  ],
  prohibitions: ['안전대 없이 작업하지 않는다.'],
  concepts: [
    concept('c1'),
    concept('c2', { title: '안전 구호 챌린지', qa: { concept_id: 'c2', passed: false, coverage: 0.5, uncovered_key_points: ['장비 이상 징후 발견 시 즉시 중지한다.'], unsafe_scenes: [{ scene_id: 's2', reason: '보호구 없이 작업함' }], timing_problems: [] } }),
    concept('c3'),
  ],
};

/** What was asked, as the job's view repeats it: typed guidelines, 30 s, reviewed when QA flags. */
export const REQUEST: MvRequest = {
  length: '30s', length_seconds: 30, selectedStyles: ['minimal'], selectedGenres: 'kpop',
  llm_model: 'gpt-4o-mini', llm_temperature: 0.4, hitl_mode: 'auto', pdf: null,
};

const base: MvPlan = {
  job_id: 'job_1', status: 'running', progress: 0.1, state: 'CONCEPT_GEN', state_history: ['INIT', 'CONCEPT_GEN'],
  request: REQUEST, trace: ['[INIT] 키워드 3개'], render: null, result: null, error: null, error_code: null,
};

export const runningPlan = (over: Partial<MvPlan> = {}): MvPlan => ({ ...base, ...over });

export function reviewPlan(over: Partial<MvPlan> = {}): MvPlan {
  const history: MvState[] = ['INIT', 'CONCEPT_GEN', 'QA', 'HITL'];
  const trace = ['[INIT] 키워드 3개', '[QA] c2 flagged'];
  return {
    ...base, status: 'hitl_required', progress: 0.8, state: 'HITL', state_history: history, trace,
    result: {
      job: { state: 'HITL', artifacts: ARTIFACTS },
      hitl: { requires_human: true, selected_concept_id: 'c2', reason: 'qa_flagged' },
      state_history: history, trace,
    },
    ...over,
  };
}

export function completedPlan(over: Partial<Artifacts> = {}): MvPlan {
  const history: MvState[] = ['INIT', 'CONCEPT_GEN', 'QA', 'LOCK_BLUEPRINT_CORE', 'STYLE_BIND'];
  const trace = ['[STYLE_BIND] done'];
  const c = ARTIFACTS.concepts![0]!;
  const fal = { provider: 'fal', api_key_env: 'FAL_KEY' };
  const artifacts: Artifacts = {
    ...ARTIFACTS,
    blueprint: { concept_id: 'c1', title: c.title, logline: c.logline, lyrics: '고친 가사 한 줄', mv_script: c.mv_script, lyric_timeline: [], length_seconds: 30, edited: true, qa: passed('c1') },
    character_asset: { provider: 'stub', asset_id: 'chr_1', status: 'submitted', prompt: '안전모를 쓴 작업자 캐릭터' },
    media_plan: {
      character_asset_id: 'chr_1',
      character_job: { job_id: 'character_ref', ...fal, type: 'image', prompt: '안전모를 쓴 작업자 캐릭터', asset_id: 'chr_1', status: 'submitted' },
      video_jobs: c.mv_script.map((s): MediaPlan['video_jobs'][number] => ({
        scene_id: s.scene_id, part: 1, start: s.start, end: s.end, ...fal, type: 'video', duration_seconds: 10, prompt: `영상: ${s.description}`,
        character_reference: 'character_ref', character_asset_id: 'chr_1',
      })),
      music_job: { provider: 'stub', api_key_env: null, prompt: 'upbeat K-pop safety song', duration_seconds: 30 },
    },
    ...over,
  };
  return {
    ...base, status: 'completed', progress: 1, state: 'STYLE_BIND', state_history: history, trace,
    result: { job: { state: 'STYLE_BIND', artifacts }, hitl: { requires_human: false }, state_history: history, trace },
  };
}

/** A render of the completed plan (its 3 clips and the music), running unless `over` says otherwise. */
export function renderOf(over: Partial<MvRender> = {}): MvRender {
  return {
    job_id: 'job_r1', status: 'running', progress: 0, clips_done: 0, clips_total: 3, music_done: false,
    video_url: null, poster_url: null, subtitles_url: null, duration_seconds: null, error: null, error_code: null, ...over,
  };
}

/** The render as GET /mv/jobs/{job_id} shows it once done: signed URLs of the local store (`${PUBLIC_URL}/files/…`), here the page's own origin. */
const signed = (key: string) => `${window.location.origin}/files/${key}?exp=1900000000&sig=x`;
export const RENDERED = renderOf({
  status: 'completed', progress: 1, clips_done: 3, music_done: true, duration_seconds: 30.02,
  video_url: signed('assets/job_r1/video.mp4'), poster_url: signed('assets/job_r1/poster.jpg'), subtitles_url: signed('assets/job_r1/subtitles.vtt'),
});

/** A completed plan with its newest render. */
export const renderedPlan = (render: MvRender | null): MvPlan => ({ ...completedPlan(), render });

/** Answers GET /mv/jobs/{job_id} with each plan in turn, then the last one again (and GET /mv/options). */
export function servePlans(...plans: MvPlan[]) {
  let n = 0;
  fakeServer.routes.set('GET /mv/jobs/{job_id}', () => ({ body: plans[Math.min(n++, plans.length - 1)] }));
  fakeServer.routes.set('GET /mv/jobs/{job_id}/pages', () => ({ body: { pages: PAGES } }));
  fakeServer.routes.set('GET /mv/options', () => ({ body: OPTIONS }));
}

/** The character image as GET /mv/jobs/{job_id}/character answers once made (or `status`). */
export function serveCharacter(status: 'submitted' | 'ready' | 'failed' = 'ready') {
  fakeServer.routes.set('GET /mv/jobs/{job_id}/character', () => ({
    body: { asset_id: 'chr_1', status, preview_url: status === 'ready' ? '/media/assets/chr_1?sig=x' : null },
  }));
}
