import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, fakeServer, ME, ok, PRESETS, RULE } from './fake-server';
import { RulesPage } from './RulesPage';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

let saved: typeof RULE[];
beforeEach(() => {
  fakeServer.reset();
  saved = [RULE];
  fakeServer.routes.set('GET /s3/me', () => ok({ ...ME, rule_slots: { used: saved.length, limit: 2 } }));
  fakeServer.routes.set('GET /s3/presets', () => ok(PRESETS));
  fakeServer.routes.set('GET /s3/rules', () => ok(saved));
});
afterEach(cleanup);

const editorName = () => screen.getByLabelText('규칙 이름') as HTMLInputElement;

describe('RulesPage', () => {
  it('shows the presets, my rules and the slots used', async () => {
    renderWith(<RulesPage />);
    await screen.findByText('음식 사진');
    expect(screen.getByTestId('rule-slots').textContent).toBe('규칙 슬롯: 1 / 2 사용 중');
    expect(within(screen.getByTestId('my-rules')).getByText('내 부동산')).toBeTruthy();
    expect(screen.getByText('비율로 자르기 (Crop to ratio) → 채도 (Saturation) → 출력 형식 (Output)')).toBeTruthy();
    // The preview says what it cannot draw.
    fireEvent.click(screen.getByRole('button', { name: '이 프리셋으로 시작: 프로필 사진' }));
    expect(screen.getByTestId('preview-notes').textContent).toContain('업스케일 (Upscale): GPU 작업자에서 처리하며 미리보기에는 나오지 않습니다.');
  });

  it('saves a rule started from a preset, then saves a change to it with PUT', async () => {
    fakeServer.routes.set('POST /s3/rules', ({ body }) => {
      const rule = { ...RULE, id: 'rec_2', ...(body as object) };
      saved = [...saved, rule];
      return ok(rule, 201);
    });
    fakeServer.routes.set('PUT /s3/rules/{id}', ({ body }) => ok({ ...saved[1]!, ...(body as object) }));
    renderWith(<RulesPage />);
    fireEvent.click(await screen.findByRole('button', { name: '이 프리셋으로 시작: 음식 사진' }));
    expect(editorName().value).toBe('음식 사진');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('새 규칙 편집'));
    fireEvent.change(editorName(), { target: { value: '  우리 가게 음식 ' } });
    fireEvent.click(screen.getByRole('button', { name: '규칙 저장' }));
    await screen.findByText('"우리 가게 음식" 규칙을 저장했습니다.');
    expect(fakeServer.sent('POST /s3/rules')[0]!.body).toEqual({ name: '우리 가게 음식', operations: PRESETS[0]!.operations });
    await waitFor(() => expect(screen.getByTestId('rule-slots').textContent).toMatch(/^규칙 슬롯: 2 \/ 2 사용 중/));
    expect(screen.getByTestId('rule-slots').textContent).toContain('규칙 슬롯 2개를 모두 사용 중입니다.');

    fireEvent.change(screen.getByLabelText('값 (-100 ~ 100)'), { target: { value: '40' } });
    fireEvent.click(screen.getByRole('button', { name: '변경 저장' }));
    await waitFor(() => expect(fakeServer.sent('PUT /s3/rules/{id}')).toHaveLength(1));
    const put = fakeServer.sent('PUT /s3/rules/{id}')[0]!;
    expect(put.params?.path).toEqual({ id: 'rec_2' });
    expect((put.body as { operations: unknown[] }).operations[1]).toEqual({ op: 'saturation', value: 40 });
  });

  it('says in words that the rule slots are full', async () => {
    fakeServer.routes.set('POST /s3/rules', () => fail(403, 'RULE_SLOT_FULL', 'All 2 rule slots of your plan are used', { limit: 2, used: 2 }));
    renderWith(<RulesPage />);
    fireEvent.click(await screen.findByRole('button', { name: '이 프리셋으로 시작: 음식 사진' }));
    fireEvent.click(screen.getByRole('button', { name: '규칙 저장' }));
    expect((await screen.findByRole('alert')).textContent).toBe('규칙 슬롯 2개를 모두 사용 중이라 저장하지 못했습니다. 규칙을 하나 지우거나 요금제를 올려 주세요.');
  });

  it('asks before deleting one of my rules, then frees its slot', async () => {
    fakeServer.routes.set('DELETE /s3/rules/{id}', ({ params }) => {
      saved = [];
      return ok({ id: params!.path!.id, deleted: true });
    });
    renderWith(<RulesPage />, 'en');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete: 내 부동산' }));
    const ask = screen.getByRole('group', { name: 'Delete the rule "내 부동산"?' });
    fireEvent.click(within(ask).getByRole('button', { name: 'Delete it' }));
    await screen.findByText('Deleted "내 부동산": a slot is free again.');
    expect(fakeServer.sent('DELETE /s3/rules/{id}')[0]!.params?.path).toEqual({ id: 'rec_1' });
    await screen.findByText('No saved rules yet.');
    expect(screen.getByTestId('rule-slots').textContent).toBe('Rule slots: 0 of 2 used');
  });

  it('edits one of my rules and refuses to save a rule with no operations', async () => {
    renderWith(<RulesPage />);
    fireEvent.click(await screen.findByRole('button', { name: '편집: 내 부동산' }));
    expect(screen.getByRole('heading', { name: '"내 부동산" 편집' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '1번 밝기 (Brightness) 삭제' }));
    fireEvent.click(screen.getByRole('button', { name: '변경 저장' }));
    expect((await screen.findByRole('alert')).textContent).toBe('작업을 하나 이상 넣어 주세요.');
    expect(fakeServer.sent('PUT /s3/rules/{id}')).toHaveLength(0);
  });
});
