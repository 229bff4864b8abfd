/**
 * The one rule every text from outside passes before it is used: PostgreSQL's `text` refuses
 * U+0000, and a lone surrogate (half of an emoji, legal in JSON's `\ud83d`) has no UTF-8 form.
 * Returns why `s` breaks the rule, in words that follow a field's name, or null when it holds.
 */
export function textFault(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!s.isWellFormed()) return 'must be well-formed Unicode (it holds a lone surrogate, such as half of an emoji)';
  return null;
}

/**
 * The first text inside a parsed JSON value (strings and object keys, at any depth) that breaks
 * the rule, with its path (`a.0.b`), or null. Walks without recursion: the depth is the sender's.
 */
export function findTextFault(value: unknown): { path: string; fault: string } | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const fault = textFault(v);
      if (fault) return { path, fault };
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const keyFault = textFault(k);
        // The key itself is shown escaped: it is the broken text.
        if (keyFault) return { path: path ? `${path}.${JSON.stringify(k)}` : JSON.stringify(k), fault: `(a key) ${keyFault}` };
        const at = path ? `${path}.${k}` : k;
        stack.push([child, at]);
      }
    }
  }
  return null;
}
