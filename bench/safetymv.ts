/**
 * (j) The safetymv app (seed 002): a 100-page guideline PDF from upload to keywords with evidence,
 * next to text extraction alone in the same run.
 *
 * The PDF: 100 pages of Korean safety guidelines (about 1,500 characters a page, one sentence a
 * line, varied sentences over 보호구, 안전모, 사다리, 안전대, 장비, 점검, 환기, 소화기... with some
 * English terms: PPE, LOTO, MSDS), built in memory by server/src/testing/pdf-fixtures.ts textPdf.
 *
 * Measured: the platform listens on a real port; a client posts the PDF to `POST /mv/jobs/upload`
 * (multipart, hitl_mode `always`, so the job stops at review) and polls `GET /mv/jobs/{id}` every
 * POLL_MS until it is `hitl_required`: the ms from the POST to that answer, the first that carries
 * `result.job.artifacts.keyword_evidence` (a running job's `result` is null). The upload's own
 * response time (POST -> job_id) is reported too: it includes reading the PDF's text in a media
 * child. One job first to warm up (pdf.js loads in each media child), then RUNS measured, the
 * app's plan limits lifted (jobs waiting for review count as running; the checks still run).
 *
 * Reference, alternating with the jobs: the same bytes through `deps.media.readPdf(buf, {maxPages:
 * 100})` (the isolated toolkit, warm) and `analyzeGuidelines` on the extracted pages in this
 * process: what INIT needs, with no HTTP, admission, queue, storage, concept step or polling.
 * Bar: upload -> evidence at most 3x (extraction + analysis) + 1,500 ms (medians); the rest is the
 * job queue, CONCEPT_GEN and QA with the stub text provider (STUB_LATENCY_MS unset), and polling.
 */
import { analyzeGuidelines, type SourcePage } from '../server/src/core/text/guidelines/analyze-guidelines';
import { textPdf } from '../server/src/testing/pdf-fixtures';
import { grantCredits } from '../server/src/testing/studio-flow';
import type { TestPlatform } from '../server/src/testing/test-platform';
import { median } from './percentile';
import type { BenchKit } from './rules-gpu';

const PAGES = 100;
const CHARS_PER_PAGE = 1_500;
const RUNS = Number(process.env.BENCH_MV_RUNS ?? 5);
const POLL_MS = 20;
const JOB_CAP_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// The guideline document: sentences from parts chosen by a seeded generator, so the run is the same every time.

const CHAPTERS = [
  '총칙', '개인 보호구', '고소 작업', '사다리 작업', '전기 작업', '밀폐공간 작업', '화재 예방', '화학물질 취급',
  '중장비 및 지게차', '용접 및 화기 작업', '비상 대응', '교육 및 점검',
];
const PLACES = ['건설 현장', '작업장', '창고', '옥상', '밀폐공간', '기계실', '전기실', '용접 구역', '하역장', '지하 저장소', '도장 부스', '비계 위'];
const PPE = ['보호구', '안전모', '안전화', '보안경', '방진 마스크', '방독 마스크', '절연 장갑', '귀마개', '안전대', '반사 조끼'];
const EQUIPMENT = ['장비', '사다리', '이동식 비계', '지게차', '크레인', '전동 공구', '용접기', '환기 설비', '소화기', '가스 검지기', '비상 조명', '분전반'];
const TIMES = ['작업 전', '작업 중', '작업 후', '매일 아침', '교대 시', '주 1회 이상', '월 1회', '사용 전'];
const PEOPLE = ['작업자', '관리감독자', '안전관리자', '신규 작업자', '협력업체 근로자', '운전원'];
const ENGLISH = [
  'PPE (Personal Protective Equipment) must be worn in every marked zone.',
  'Apply LOTO (Lock-Out/Tag-Out) before servicing any machine.',
  'Keep the MSDS for each chemical at the point of use.',
  'Confined space entry requires a permit and a gas test.',
  'Never stand on the top step of a ladder.',
  'Inspect the fire extinguisher monthly and record the check.',
  'Report every near miss to the safety manager.',
  'Ventilation must run before and during work in enclosed areas.',
];

/** A small seeded generator (mulberry32). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function sentenceMaker(seed: number) {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  /** A word picked from `list` with its particle agreeing: 을/를, 은/는, 이/가, 와/과 by its last syllable's final consonant. */
  const with_ = (list: readonly string[], afterConsonant: string, afterVowel: string) => {
    const word = pick(list);
    const code = word.charCodeAt(word.length - 1) - 0xac00;
    return `${word}${code >= 0 && code < 11172 && code % 28 !== 0 ? afterConsonant : afterVowel}`;
  };
  const templates: (() => string)[] = [
    () => `${pick(TIMES)} ${with_(PEOPLE, '은', '는')} ${with_(PPE, '을', '를')} 올바르게 착용하고 착용 상태를 서로 확인한다.`,
    () => `${pick(PLACES)}에서는 ${pick(TIMES)} ${pick(EQUIPMENT)}의 이상 유무를 점검하고 점검표에 기록한다.`,
    () => `사다리 위에서 작업할 때에는 반드시 안전대를 체결하고, 사다리는 수평인 바닥에 고정한다.`,
    () => `${pick(EQUIPMENT)}에 이상 징후가 발견되면 즉시 작업을 중지하고 ${pick(PEOPLE)}에게 보고한다.`,
    () => `${pick(PLACES)}에서 안전모 없이 작업하지 않는다.`,
    () => `밀폐공간에 들어가기 전에는 환기를 충분히 하고 가스 검지기로 산소 농도를 측정한다.`,
    () => `${pick(PLACES)}의 소화기는 눈에 잘 띄는 곳에 두고 ${pick(TIMES)} 압력 게이지를 점검한다.`,
    () => `높이 2미터 이상에서 작업할 때에는 안전대를 착용하고 안전난간이 설치되었는지 확인한다.`,
    () => `${with_(PEOPLE, '은', '는')} 허가 없이 ${with_(EQUIPMENT, '을', '를')} 조작해서는 안 된다.`,
    () => `화기 작업 중에는 주변의 가연물을 치우고 소화기를 가까이 비치한다.`,
    () => `${with_(PPE, '이', '가')} 손상되었거나 오염된 경우 즉시 교체하고 손상된 보호구는 사용하지 않는다.`,
    () => `${pick(TIMES)} 환기 설비의 작동 상태를 확인하고, 환기가 불충분하면 작업을 시작하지 않는다.`,
    () => `사다리의 발판이 미끄럽거나 파손된 경우 사용을 금지한다.`,
    () => `전기 작업 전에는 전원을 차단하고 잠금장치와 표지판을 설치한 뒤 검전기로 확인한다.`,
    () => `${pick(PLACES)}에서 ${with_(EQUIPMENT, '을', '를')} 사용할 때에는 ${with_(PPE, '과', '와')} ${with_(PPE, '을', '를')} 함께 착용한다.`,
    () => `화학물질을 취급할 때에는 물질안전보건자료를 확인하고 보안경과 방독 마스크를 착용한다.`,
    () => `지게차 운전원은 ${pick(TIMES)} 제동 장치와 경보 장치를 점검하고 제한 속도를 지킨다.`,
    () => `작업 구역에는 관계자 외 출입을 금지하고 출입 통제 표지를 설치한다.`,
    () => `${with_(PEOPLE, '은', '는')} 정기 안전 교육을 이수하고, 교육 내용을 작업 전 회의에서 다시 확인한다.`,
    () => `비상 시에는 대피 경로를 따라 신속히 이동하고 집결지에서 인원을 확인한다.`,
    () => `장비를 정비할 때에는 LOTO 절차에 따라 에너지원을 차단하고 잠금 상태를 점검한다.`,
    () => `안전모는 충격을 받은 경우 외관에 이상이 없더라도 교체한다.`,
    () => `${pick(PLACES)}의 통로에는 자재를 쌓아 두지 말 것.`,
    () => `PPE 지급 대장은 ${with_(PEOPLE, '이', '가')} 관리하며 ${pick(TIMES)} 지급 현황을 점검한다.`,
    () => pick(ENGLISH),
  ];
  return () => pick(templates)();
}

/** The lines of each page: a heading, a section title, then sentences one a line to about CHARS_PER_PAGE characters. */
export function guidelinePages(n = PAGES, perPage = CHARS_PER_PAGE): string[][] {
  const next = sentenceMaker(2024);
  return Array.from({ length: n }, (_, i) => {
    const chapter = CHAPTERS[Math.floor((i * CHAPTERS.length) / n)]!;
    const lines = [`제${Math.floor((i * CHAPTERS.length) / n) + 1}장 ${chapter}`, `${i + 1}. ${chapter} 세부 기준 (${i + 1}/${n})`];
    let chars = lines.join('\n').length;
    while (chars < perPage) {
      const line = next();
      lines.push(line);
      chars += line.length + 1;
    }
    return lines;
  });
}

// ---------------------------------------------------------------------------------------------

interface Timed {
  jobId: string;
  upload: number;
  evidence: number | null;
  status: string;
  keywords: number;
  sources: number;
  postedAt: number;
}

/** Posts the PDF over HTTP and polls the plan until it waits for review: ms from the POST to job_id and to keyword_evidence. */
async function timedPlan(url: string, token: string, pdf: Buffer): Promise<Timed> {
  const auth = { authorization: `Bearer ${token}` };
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'guidelines-100p.pdf');
  for (const [k, v] of Object.entries({ length: '30s', selectedStyles: 'minimal,modern', selectedGenres: 'hiphop', hitl_mode: 'always' })) form.set(k, v);
  const postedAt = Date.now();
  const start = performance.now();
  const res = await fetch(`${url}/mv/jobs/upload`, { method: 'POST', headers: auth, body: form });
  const body = (await res.json()) as { job_id?: string };
  const upload = performance.now() - start;
  if (res.status !== 200 || !body.job_id) throw new Error(`bench (j): upload answered ${res.status} ${JSON.stringify(body)}`);
  const out: Timed = { jobId: body.job_id, upload, evidence: null, status: 'running', keywords: 0, sources: 0, postedAt };
  while (performance.now() - start < JOB_CAP_MS) {
    const view = await fetch(`${url}/mv/jobs/${out.jobId}`, { headers: auth });
    const plan = (await view.json()) as { status: string; error?: string; result: { job: { artifacts: { keyword_evidence?: { sources: unknown[] }[] } } } | null };
    const at = performance.now() - start;
    if (view.status !== 200) throw new Error(`bench (j): GET /mv/jobs answered ${view.status} ${JSON.stringify(plan)}`);
    out.status = plan.status;
    const evidence = plan.result?.job.artifacts.keyword_evidence;
    if (evidence && out.evidence === null) {
      out.evidence = at;
      out.keywords = evidence.length;
      out.sources = evidence.reduce((n, e) => n + e.sources.length, 0);
    }
    if (plan.status === 'hitl_required' || plan.status === 'completed' || plan.status === 'failed') {
      if (plan.status === 'failed') throw new Error(`bench (j): the plan failed: ${plan.error}`);
      break;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return out;
}

/** The floor: the PDF's text through the isolated toolkit, then the analysis in this process. */
async function direct(t: TestPlatform, pdf: Buffer): Promise<{ extract: number; analyze: number; chars: number; keywords: number }> {
  let start = performance.now();
  const { pages } = await t.deps.media.readPdf(pdf, { maxPages: PAGES });
  const extract = performance.now() - start;
  start = performance.now();
  const source: SourcePage[] = pages.map((text, i) => ({ pageNumber: i + 1, text }));
  const analysis = analyzeGuidelines(source);
  const analyze = performance.now() - start;
  return { extract, analyze, chars: pages.reduce((n, p) => n + p.length, 0), keywords: analysis.keywords.length };
}

/** Where the job's time went: its steps' starts and ends up to review, in ms after the POST (the store's clock). */
async function stepSpans(t: TestPlatform, jobId: string, postedAt: number): Promise<string> {
  const steps = (await t.deps.store.read((r) => r.steps.list(jobId))).filter((s) => s.startedAt && s.finishedAt);
  return steps
    .sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime())
    .map((s) => `${s.name} ${Math.round(s.startedAt!.getTime() - postedAt)}..${Math.round(s.finishedAt!.getTime() - postedAt)}`)
    .join(', ');
}

export async function benchSafetymv(kit: BenchKit, mode: string, env: Record<string, string>): Promise<void> {
  const { row, verdict, fmt } = kit;
  // Jobs waiting for review count as running: the app's running and daily limits lifted (the checks still run).
  const lifted = { runningJobs: 1_000, plansPerDay: 1_000_000 };
  const t = await kit.platformFor(mode, { env, settings: { planLimits: { free: { safetymv: lifted }, pro: { safetymv: lifted } } } });
  const server = await kit.listen(t.app.fetch);
  try {
    const pages = guidelinePages();
    const pdf = textPdf(pages);
    const { token, userId } = await t.signUp();
    await grantCredits(t, userId, 1_000);
    // Not measured: pdf.js loaded in every media child (two calls at once reach both), the code paths warm.
    await Promise.all([t.deps.media.readPdf(pdf, { maxPages: PAGES }), t.deps.media.readPdf(pdf, { maxPages: PAGES })]);
    const warm = await timedPlan(server.url, token, pdf);
    if (warm.evidence === null) throw new Error(`bench (j): the warm-up plan did not reach review (${warm.status})`);
    const ref0 = await direct(t, pdf);

    const ours: Timed[] = [];
    const refs: Awaited<ReturnType<typeof direct>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await timedPlan(server.url, token, pdf));
      refs.push(await direct(t, pdf));
    }
    const reached = ours.filter((o) => o.evidence !== null);
    const all = reached.length === ours.length;
    const upload = median(ours.map((o) => o.upload));
    const evidence = median(reached.map((o) => o.evidence!));
    const [extract, analyze] = [median(refs.map((r) => r.extract)), median(refs.map((r) => r.analyze))];
    const both = median(refs.map((r) => r.extract + r.analyze));
    const bar = 3 * both + 1_500;
    const last = ours.at(-1)!;
    const doc = `${PAGES} pages, ${fmt(ref0.chars)} characters, ${fmt(pdf.length / 1024)} KB`;
    row('', mode, `(j) safetymv POST /mv/jobs/upload (${PAGES}-page PDF) -> job_id`, `p50 ${fmt(upload)} ms`,
      `median of ${RUNS} (${ours.map((o) => fmt(o.upload)).join(', ')}); includes reading the PDF's text in a media child; ${doc}`,
      `readPdf alone p50 ${fmt(extract)} ms; for information`);
    row(verdict(all && evidence <= bar), mode, '(j) same POST -> keyword_evidence (hitl_required, hitl_mode always)', reached.length ? `p50 ${fmt(evidence)} ms` : 'none reached review',
      `${reached.length} of ${RUNS} at review (${reached.map((o) => fmt(o.evidence!)).join(', ')}), GET /mv/jobs/{id} every ${POLL_MS} ms over HTTP; ` +
        `${last.keywords} keywords, ${last.sources} sources; last job's steps (ms after POST): ${await stepSpans(t, last.jobId, last.postedAt)}`,
      `readPdf + analyzeGuidelines p50 ${fmt(both)} ms; bar: at most 3x + 1,500 ms = ${fmt(bar)} ms (${fmt(evidence / both, 1)}x)`);
    row('', mode, '(j) reference: deps.media.readPdf(pdf, {maxPages: 100}), warm', `p50 ${fmt(extract)} ms`, `median of ${RUNS}, isolated toolkit (media child, IPC)`, 'for information');
    row('', mode, '(j) reference: analyzeGuidelines(100 pages) in this process', `p50 ${fmt(analyze)} ms`, `median of ${RUNS}; ${ref0.keywords} keywords`, 'for information');
  } finally {
    server.close();
    await t.dispose();
  }
}
