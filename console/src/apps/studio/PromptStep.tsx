import { useId, type Ref } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './studio-errors';
import { priceWords } from './studio-words';

/** Step 2: the expanded prompt, the user's to edit, and the button that makes an image of it. */
export function PromptStep({ prompt, onChange, onImage, price, pending, error, inputRef }: {
  prompt: string;
  onChange: (prompt: string) => void;
  onImage: () => void;
  price: number;
  pending: boolean;
  error: unknown;
  inputRef: Ref<HTMLTextAreaElement>;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (prompt.trim()) onImage();
      }}
    >
      <div>
        <label htmlFor={id} className="block text-sm font-medium">{t('studio.prompt')}</label>
        <textarea id={id} ref={inputRef} value={prompt} onChange={(e) => onChange(e.target.value)} required maxLength={2000} rows={6}
          className="mt-1 w-full rounded border border-slate-300 p-2 text-sm" />
      </div>
      {error ? <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(error, t)}</p> : null}
      <button type="submit" disabled={pending} className="w-full rounded bg-blue-600 px-4 py-3 font-semibold text-white disabled:opacity-50">
        {pending ? t('studio.makingImage') : t('studio.makeImage', { price: priceWords(price, t) })}
      </button>
    </form>
  );
}
