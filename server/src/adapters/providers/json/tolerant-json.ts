/**
 * The JSON value in a model's answer, read tolerantly: models without structured output wrap it in
 * a code fence (```json ... ```) or in a sentence ("Here is the JSON: {...} Hope it helps").
 * Tried in order: the whole text, the content of the first code fence, the outermost `{...}` or `[...]`
 * (whichever opens first, found by matching brackets outside strings). Returns `{ ok: false, error }` with
 * the parser's complaint about the best candidate when none parses.
 */
export function parseTolerantJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const candidates: string[] = [text.trim()];
  const fence = /```[a-zA-Z0-9_-]*\s*\n?([\s\S]*?)```/.exec(text);
  if (fence) candidates.push(fence[1]!.trim());
  for (const source of [fence ? fence[1]! : text, text]) {
    // Whichever bracket comes first is the outermost value: `[{...}, {...}]` is an array.
    const pairs = ([['{', '}'], ['[', ']']] as const).slice().sort(([a], [b]) => firstIndex(source, a) - firstIndex(source, b));
    for (const [open, close] of pairs) {
      const outer = outermost(source, open, close);
      if (outer) candidates.push(outer);
    }
  }
  let error = 'no JSON value in the answer';
  for (const c of candidates) {
    if (!c) continue;
    try {
      return { ok: true, value: JSON.parse(c) };
    } catch (err) {
      if (c.startsWith('{') || c.startsWith('[')) error = err instanceof Error ? err.message : String(err);
    }
  }
  return { ok: false, error };
}

const firstIndex = (s: string, ch: string) => (s.includes(ch) ? s.indexOf(ch) : Infinity);

/**
 * The text from the first `open` to the bracket that closes it (strings and escapes skipped), or
 * from it to the last `close` when the brackets never balance (a truncated or chatty answer).
 */
function outermost(text: string, open: '{' | '[', close: '}' | ']'): string | null {
  const start = text.indexOf(open);
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) return text.slice(start, i + 1);
  }
  const end = text.lastIndexOf(close);
  return end > start ? text.slice(start, end + 1) : null;
}
