import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useI18n } from '../../platform/i18n/i18n';

/** The dialogs open, the topmost last: only it answers the keys. */
const open: string[] = [];
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: the page behind is covered, the focus moves in (to `initialFocus`, or the first
 * control) and stays in (Tab wraps), Esc closes it, and the focus returns to where it was.
 * `onKey` gets the other keys (the viewer's arrows) that nothing inside has handled.
 */
export function Dialog({ title, onClose, children, onKey, wide, testId }: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  onKey?: (e: globalThis.KeyboardEvent) => void;
  wide?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus]') ?? box.current?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => before?.focus?.();
  }, []);
  // Esc and the dialog's keys work wherever the focus is (a control that was hidden drops it to the page); the topmost dialog takes them.
  const keys = useRef({ onClose, onKey });
  keys.current = { onClose, onKey };
  useEffect(() => {
    open.push(id);
    const onDocKey = (e: globalThis.KeyboardEvent) => {
      if (open[open.length - 1] !== id || e.defaultPrevented) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        keys.current.onClose();
      } else keys.current.onKey?.(e);
    };
    document.addEventListener('keydown', onDocKey);
    return () => {
      document.removeEventListener('keydown', onDocKey);
      open.splice(open.indexOf(id), 1);
    };
  }, [id]);
  const trapTab = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Tab' || !box.current) return;
    const all = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const [first, last] = [all[0], all[all.length - 1]];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    }
  };
  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center overflow-y-auto bg-black/50 p-2 sm:p-6" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} role="dialog" aria-modal="true" aria-labelledby={id} onKeyDown={trapTab} data-testid={testId}
        className={`relative w-full rounded-lg bg-white p-4 shadow-xl sm:p-6 ${wide ? 'max-w-4xl' : 'max-w-2xl'}`}>
        <div className="mb-4 flex items-start justify-between gap-4">
          <h2 id={id} className="text-lg font-semibold">{title}</h2>
          <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100">{t('gallery.close')}</button>
        </div>
        {children}
      </div>
    </div>
  );
}

/** How long a notice of an action stays (a batch's counts stay until closed). */
export const NOTICE_MS = 6000;

/**
 * A short notice at the bottom of the screen (seed "토스트"), read out when it changes, closed by
 * its button, or after NOTICE_MS unless `sticky`. Only its button takes the pointer: what is under
 * the rest of it stays clickable.
 */
export function Toast({ text, tone, sticky, onClose }: { text: string; tone: 'ok' | 'warn'; sticky?: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (sticky) return;
    const timer = setTimeout(() => close.current(), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [text, sticky]);
  return (
    <div role="status" data-testid="gallery-toast"
      className={`pointer-events-none fixed inset-x-2 bottom-4 z-50 mx-auto flex max-w-xl items-center gap-3 rounded-lg p-4 shadow-lg sm:inset-x-auto sm:right-6 ${tone === 'ok' ? 'bg-green-700 text-white' : 'bg-amber-100 text-amber-950'}`}>
      <span className="flex-1" data-testid="gallery-toast-text">{text}</span>
      <button type="button" onClick={onClose} className="pointer-events-auto rounded border border-current px-2 py-1 text-sm">{t('gallery.toast.close')}</button>
    </div>
  );
}
