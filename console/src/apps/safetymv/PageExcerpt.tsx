import { useEffect, useRef } from 'react';
import type { EvidenceSource } from './mv-api';

/**
 * A page's text with one occurrence marked: exactly `text.slice(start_offset, end_offset)` (UTF-16
 * offsets, as the server writes them), scrolled into view inside the box and, for the first, on the page.
 */
export function PageExcerpt({ text, source, scrollPage }: { text: string; source: EvidenceSource; scrollPage: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const mark = useRef<HTMLElement>(null);
  useEffect(() => {
    const b = box.current;
    const m = mark.current;
    if (!b || !m) return;
    b.scrollTop = Math.max(0, m.offsetTop - b.offsetTop - b.clientHeight / 2);
    if (scrollPage) m.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [source, scrollPage]);
  return (
    <div ref={box} className="relative max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 text-sm leading-relaxed">
      {text.slice(0, source.start_offset)}
      <mark ref={mark} className="rounded bg-yellow-200 px-0.5">{text.slice(source.start_offset, source.end_offset)}</mark>
      {text.slice(source.end_offset)}
    </div>
  );
}
