import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationsEditor } from './OperationsEditor';
import type { RuleOperation } from './rules-api';
import { renderWith } from './test-kit';

afterEach(cleanup);

/** The editor with its list held as a page holds it; `seen` is the last list it handed back. */
function renderEditor(initial: RuleOperation[], lang: 'ko' | 'en' = 'ko') {
  const seen = { ops: initial };
  function Host() {
    const [ops, setOps] = useState(initial);
    return <OperationsEditor operations={ops} onChange={(next) => { seen.ops = next; setOps(next); }} />;
  }
  renderWith(<Host />, lang);
  return seen;
}
const rows = () => [...screen.getByTestId('operations').querySelectorAll('li')].map((li) => li.getAttribute('data-op'));

describe('OperationsEditor', () => {
  it('adds an operation from the whole vocabulary with its defaults, each named in Korean with its English term', () => {
    const seen = renderEditor([{ op: 'auto_orient' }]);
    const add = screen.getByLabelText('추가할 작업') as HTMLSelectElement;
    expect([...add.options].map((o) => o.value)).toEqual([
      'auto_orient', 'resize', 'crop_ratio', 'brightness', 'contrast', 'saturation', 'sharpen', 'background_fill', 'watermark_text', 'strip_metadata', 'output', 'remove_background', 'upscale',
    ]);
    expect(add.options[8]!.textContent).toBe('텍스트 워터마크 (Text watermark)');
    fireEvent.change(add, { target: { value: 'watermark_text' } });
    fireEvent.click(screen.getByRole('button', { name: '작업 추가' }));
    expect(seen.ops[1]).toEqual({ op: 'watermark_text', text: 'SAMPLE', position: 'bottom-right', opacity: 0.5, size: 32 });
    expect(screen.getByText('설정할 값이 없습니다.')).toBeTruthy();
  });

  it('edits each field by its label, leaving out an emptied optional size', () => {
    const seen = renderEditor([{ op: 'resize', width: 1600, height: 900, fit: 'inside', enlarge: false }, { op: 'brightness', value: 10 }, { op: 'upscale', scale: 2 }]);
    fireEvent.change(screen.getByLabelText('높이 (px, 선택)'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('맞춤 방식'), { target: { value: 'cover' } });
    fireEvent.change(screen.getByLabelText('값 (-100 ~ 100)'), { target: { value: '-35' } });
    fireEvent.change(screen.getByLabelText('배율'), { target: { value: '4' } });
    expect(seen.ops).toEqual([{ op: 'resize', width: 1600, fit: 'cover', enlarge: false }, { op: 'brightness', value: -35 }, { op: 'upscale', scale: 4 }]);
    // The AI step says where it runs.
    expect(within(screen.getByTestId('operations').querySelectorAll('li')[2] as HTMLElement).getByText('AI · GPU 작업자에서 처리')).toBeTruthy();
  });

  it('moves and removes operations with buttons named after them', () => {
    renderEditor([{ op: 'auto_orient' }, { op: 'sharpen', sigma: 1 }, { op: 'strip_metadata' }], 'en');
    expect((screen.getByRole('button', { name: 'Move 1. Auto orient up' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Move 2. Sharpen up' }));
    expect(rows()).toEqual(['sharpen', 'auto_orient', 'strip_metadata']);
    fireEvent.click(screen.getByRole('button', { name: 'Move 2. Auto orient down' }));
    expect(rows()).toEqual(['sharpen', 'strip_metadata', 'auto_orient']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove 1. Sharpen' }));
    expect(rows()).toEqual(['strip_metadata', 'auto_orient']);
  });

  it('takes no more than 20 operations', () => {
    renderEditor(Array.from({ length: 20 }, () => ({ op: 'strip_metadata' as const })));
    expect((screen.getByRole('button', { name: '작업 추가' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('작업은 최대 20개까지 넣을 수 있습니다.')).toBeTruthy();
  });
});
