export const CAPABILITIES = ['text', 'image', 'video', 'music', 'moderation', 'imageOps'] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type FailWhen = (capability: Capability, prompt: string) => boolean;

/**
 * Parses STUB_FAIL: a comma list of capabilities (`video,image`), each optionally with a
 * substring (`video:boom` fails only video prompts containing "boom", case-sensitive).
 * An unknown capability throws, so a typo does not silently disable the injection.
 */
export function parseStubFail(spec: string | undefined): FailWhen {
  const rules = (spec ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const at = r.indexOf(':');
      const capability = (at < 0 ? r : r.slice(0, at)).trim();
      if (!(CAPABILITIES as readonly string[]).includes(capability)) {
        throw new Error(`STUB_FAIL: unknown capability "${capability}" (expected ${CAPABILITIES.join(', ')})`);
      }
      return { capability, needle: at < 0 ? '' : r.slice(at + 1) };
    });
  return (capability, prompt) => rules.some((r) => r.capability === capability && prompt.includes(r.needle));
}
