export type Capability = 'text' | 'image' | 'video' | 'music' | 'moderation';
export type FailWhen = (capability: Capability, prompt: string) => boolean;

/**
 * Parses STUB_FAIL: a comma list of capabilities (`video,image`), each optionally with a
 * substring (`video:boom` fails only video prompts containing "boom").
 */
export function parseStubFail(spec: string | undefined): FailWhen {
  const rules = (spec ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const [capability, ...rest] = r.split(':');
      return { capability: capability!.trim(), needle: rest.join(':') };
    });
  return (capability, prompt) => rules.some((r) => r.capability === capability && (!r.needle || prompt.includes(r.needle)));
}
