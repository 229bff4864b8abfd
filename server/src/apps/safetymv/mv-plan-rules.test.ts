import { describe, expect, it } from 'vitest';
import { chooseConcepts, draftConcepts } from './mv-concepts';
import { mediaPlan } from './mv-media-plan';
import { forbiddenAct, reviewConcept, unsafeReason, type GuidelineBrief } from './mv-qa';
import { clipsOf, lyricTimeline, sceneGrid, timelineProblems } from './mv-script';

const brief: GuidelineBrief = {
  keywords: ['보호구', '장비', '사다리', '안전대'],
  keyPoints: ['작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다.', '사다리 위에서는 안전대를 체결한다.'],
  prohibitions: ['사다리 위에서 안전대 없이 작업하지 않는다.'],
  language: 'ko',
};

describe('MV script timing', () => {
  it('accepts scenes from 0 to the length without gaps or overlaps, and names every problem otherwise', () => {
    const good = [{ start: 0, end: 10, description: 'a' }, { start: 10, end: 30, description: 'b' }];
    expect(timelineProblems(good, 30)).toEqual([]);
    expect(timelineProblems([{ start: 1, end: 10, description: 'a' }, { start: 12, end: 25, description: 'b' }, { start: 24, end: 29, description: '' }], 30)).toEqual([
      'scene 1 starts at 1s; the first scene must start at 0',
      'a gap between scene 1 (ends 10s) and scene 2 (starts 12s)',
      'scene 3 (starts 24s) overlaps scene 2 (ends 25s)',
      'scene 3 has no description',
      'the last scene ends at 29s; the script must end at the video\'s length, 30s',
    ]);
    expect(timelineProblems([{ start: 0, end: 1, description: 'x' }, { start: 1, end: 0.5, description: 'y' }], 30)[0]).toBe('scene 1 lasts 1s; a scene lasts at least 2s');
    expect(timelineProblems([], 30)).toEqual(['the script has no scenes']);
    // A hair under the minimum is under it; contiguity forgives rounding (0.1 + 0.2).
    expect(timelineProblems([{ start: 0, end: 1.9999999, description: 'x' }, { start: 1.9999999, end: 30, description: 'y' }], 30)).toEqual(['scene 1 lasts 2s; a scene lasts at least 2s']);
    expect(timelineProblems([{ start: 0, end: 0.1 + 0.2 + 2, description: 'x' }, { start: 2.3, end: 30, description: 'y' }], 30)).toEqual([]);
  });

  it('splits the length into whole seconds and long scenes into clips no longer than the longest clip', () => {
    expect(sceneGrid(30, 4)).toEqual([{ start: 0, end: 8 }, { start: 8, end: 16 }, { start: 16, end: 23 }, { start: 23, end: 30 }]);
    const clips = clipsOf([{ scene_id: 'scene_1', start: 0, end: 12, description: 'a' }, { scene_id: 'scene_2', start: 12, end: 20, description: 'b' }], 8);
    expect(clips).toEqual([
      { scene_id: 'scene_1', part: 1, start: 0, end: 6, duration_seconds: 6 },
      { scene_id: 'scene_1', part: 2, start: 6, end: 12, duration_seconds: 6 },
      { scene_id: 'scene_2', part: 1, start: 12, end: 20, duration_seconds: 8 },
    ]);
  });

  it('times the lyric lines over the video, leaving section labels out', () => {
    expect(lyricTimeline('[Verse]\nline one\n\nline two\n[Chorus]\nline three', 30)).toEqual([
      { start: 0, end: 10, text: 'line one' }, { start: 10, end: 20, text: 'line two' }, { start: 20, end: 30, text: 'line three' },
    ]);
  });
});

describe('concepts and QA', () => {
  it('drafts three concepts whose scenes cover the length and whose lyrics carry every key point: QA passes them', () => {
    const drafts = draftConcepts(brief, { length: '60s' });
    expect(drafts.map((c) => c.concept_id)).toEqual(['c1', 'c2', 'c3']);
    for (const c of drafts) {
      const report = reviewConcept(c, brief, 60);
      expect(report).toMatchObject({ passed: true, coverage: 1, uncovered_key_points: [], unsafe_scenes: [], timing_problems: [] });
      expect(c.mv_script).toHaveLength(8);
    }
  });

  it('flags a hazard acted out, uncovered key points and broken timing', () => {
    const [c1] = draftConcepts(brief, { length: '30s' });
    const bad = {
      ...c1!, lyrics: '안전이 최고', mv_script: [
        { scene_id: 'scene_1', start: 0, end: 15, description: '작업자가 안전대 없이 사다리를 오른다' },
        { scene_id: 'scene_2', start: 16, end: 30, description: '동료들이 웃는다' },
      ],
    };
    const report = reviewConcept(bad, brief, 30);
    expect(report.passed).toBe(false);
    expect(report.unsafe_scenes.map((s) => s.scene_id)).toEqual(['scene_1']);
    expect(report.uncovered_key_points).toEqual(['작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다.']);
    expect(report.timing_problems).toEqual(['a gap between scene 1 (ends 15s) and scene 2 (starts 16s)']);
  });

  it('does not flag a scene that shows the wrong way as wrong, nor an English scene done right', () => {
    expect(unsafeReason('A worker stops a colleague who climbs without a harness and helps him clip on', brief)).toBeNull();
    expect(unsafeReason('작업자가 안전대 없이 오르려는 동료를 멈추게 한다', brief)).toBeNull();
    expect(unsafeReason('A worker climbs the scaffold without a helmet', brief)).toMatch(/without/);
    expect(unsafeReason('작업자가 사다리 위에서 안전대 체결을 확인한다', brief)).toBeNull();
    const phone = { ...brief, keywords: ['휴대전화', 'forklift'], prohibitions: ['운전 중 휴대전화를 사용하지 않는다.', 'Never drive a forklift with the forks raised.'] };
    expect(unsafeReason('작업자가 운전하며 휴대전화를 사용한다', phone)).toMatch(/prohibited act/);
    expect(unsafeReason('A worker drives the forklift across the yard, forks raised high', phone)).toMatch(/prohibited act/);
    expect(unsafeReason('작업자가 휴대전화를 보관함에 넣는다', phone)).toBeNull();
    expect(forbiddenAct('사다리 위에서 뛰지 마십시오.')!.test('계단에서 뛰어 내려온다')).toBe(true);
    expect(forbiddenAct('화기 사용 금지')!.test('화기를 사용한다')).toBe(true);
    expect(forbiddenAct('안전대 없이 작업하지 않는다')!.test('작업자가 안전대를 건다')).toBe(false);
  });

  it("keeps the model's concepts that QA finds no worse than the drafts, and falls back to the drafts otherwise", () => {
    const drafts = draftConcepts(brief, { length: '30s' });
    const scenes = (d: string) => drafts[0]!.mv_script.map(() => ({ description: d }));
    const good = { title: '보호구 송', logline: '노래', lyrics: '보호구를 입고\n장비 이상 보이면 멈춰\n사다리 위엔 안전대', scenes: scenes('작업자가 보호구를 착용하고 장비를 점검한다') };
    const unsafe = { ...good, scenes: scenes('작업자가 보호구 없이 장비를 만진다') };
    const thin = { ...good, lyrics: '안전 제일' };
    const choice = chooseConcepts(JSON.stringify({ keywords: ['보호구', '헬리콥터'], concepts: [good, unsafe, thin] }), drafts, brief, 30);
    expect(choice.concepts.map((c) => c.source)).toEqual(['model', 'draft', 'draft']);
    expect(choice.concepts[0]!.mv_script.map((s) => [s.start, s.end])).toEqual(drafts[0]!.mv_script.map((s) => [s.start, s.end]));
    expect(choice.notes[1]).toMatch(/c2: .*unsafe.*draft/);
    expect(choice.notes[2]).toMatch(/c3: .*covers 67% .*draft/);
    expect(choice.proposedKeywords).toEqual(['보호구', '헬리콥터']);
    expect(chooseConcepts('not json', drafts, brief, 30).concepts.every((c) => c.source === 'draft')).toBe(true);
    expect(chooseConcepts(JSON.stringify({ keywords: [], concepts: [{ ...good, scenes: [{ description: 'one' }] }] }), drafts, brief, 30).notes[0]).toMatch(/does not fit the 4 scene slots/);
  });

  it('plans one clip per part of a scene from the character reference, and names key variables, never keys', () => {
    const [c1] = draftConcepts(brief, { length: '30s' });
    const scenes = [{ ...c1!.mv_script[0]!, end: 12 }, { ...c1!.mv_script[1]!, start: 12, end: 30 }];
    const { character_asset: asset, media_plan: plan } = mediaPlan({
      characterAssetId: 'chr_1', keywords: brief.keywords, title: c1!.title, lyrics: c1!.lyrics, scenes, styles: ['minimal'], genre: 'hiphop', length: '30s',
      routes: { image: 'fal,replicate', video: 'openai', music: 'stub' },
    });
    expect(asset).toMatchObject({ provider: 'fal', asset_id: 'chr_1', status: 'submitted' });
    expect(asset.prompt).toContain('protective gear');
    expect(plan.character_job).toMatchObject({ job_id: 'character_ref', provider: 'fal', api_key_env: 'FAL_KEY', type: 'image', asset_id: 'chr_1' });
    expect(plan.video_jobs.map((v) => [v.scene_id, v.part, v.duration_seconds])).toEqual([['scene_1', 1, 6], ['scene_1', 2, 6], ['scene_2', 1, 6], ['scene_2', 2, 6], ['scene_2', 3, 6]]);
    expect(plan.video_jobs.every((v) => v.api_key_env === 'OPENAI_API_KEY' && v.character_reference === 'character_ref' && v.character_asset_id === 'chr_1')).toBe(true);
    expect(plan.music_job).toMatchObject({ provider: 'stub', api_key_env: null, duration_seconds: 30 });
  });
});
