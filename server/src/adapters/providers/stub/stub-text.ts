import type { TextProvider, TextRequest } from '../../../core/ports/providers';
import { sampleFromSchema } from '../json/simple-schema';
import { hashString, seededRandom } from './seeded-random';
import { StubPredictions, type StubPredictionOptions } from './stub-predictions';
import type { StubRuntime } from './stub-runtime';

const OPENINGS = ['Golden light spills across', 'A slow push-in on', 'Handheld close-up of', 'Wide shot over', 'Silhouette against', 'Overhead view of', 'Soft focus on', 'A long tracking shot through'];
const PLACES = ['a rainy city street', 'a seaside village at dawn', 'a crowded school hallway', 'a quiet rooftop at dusk', 'a neon-lit night market', 'an old family kitchen', 'a snowy mountain road', 'a sunlit bookshop'];
const ACTIONS = ['the main character laughs with friends', 'the main character looks back and smiles', 'the main character runs toward the horizon', 'the main character opens a long-lost letter', 'the main character dances alone', 'the main character takes a deep breath', 'the main character waves goodbye', 'the main character finds an old photograph'];
const LINKS = ['echoing', 'with a touch of', 'in the spirit of', 'carried by', 'framed around'];
// Words too common to say anything about the prompt.
const STOP = new Set(
  'an at as by in is it of on or to the and for with that this from into your you are was has have not but its one per no ' +
  'return exactly lines line prompt prompts write short film main character look energy pacing stage life'.split(' '),
);
const MAX_LINES = 12;

/**
 * Deterministic prose from prompt and seed: shot descriptions picked by a seeded PRNG, each
 * carrying a word of the prompt. `exactly N lines` (or `N줄`) in the request gives N lines; a
 * brief of `Label: value` lines gives its values in one sentence (formValues); otherwise one
 * paragraph of 3 to 5 sentences. With `json`, the JSON text of a value satisfying
 * the schema (see sampleFromSchema), deterministic too, its strings such sentences, so a caller
 * asking for JSON gets JSON offline. A prediction (see StubPredictions).
 */
export class StubTextProvider extends StubPredictions<TextRequest, string> implements TextProvider {
  readonly name = 'stub-text';
  constructor(rt: StubRuntime, opts: StubPredictionOptions = {}) {
    super(rt, 'text', 'stubtxt', opts);
  }

  protected check(): void {}

  protected prompt(req: TextRequest): string {
    return req.prompt;
  }

  protected async produce(req: TextRequest): Promise<string> {
    const rand = seededRandom(hashString(`${req.system ?? ''}\n${req.prompt}`, req.seed));
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
    const words = keywords(req.prompt);
    const sentence = () => {
      const word = words.length > 0 ? `, ${pick(LINKS)} ${pick(words)}` : '';
      return `${pick(OPENINGS)} ${pick(PLACES)}, ${pick(ACTIONS)}${word}.`;
    };
    // Structured output: a value of the schema, its strings stub prose; never cut (a cut breaks JSON).
    if (req.json) return JSON.stringify(sampleFromSchema(req.json.schema, { pick: rand, text: sentence }));
    const lines = wantedLines(req.system ?? '') ?? wantedLines(req.prompt);
    const fields = lines ? null : formValues(req.prompt);
    const text = fields
      ? `${fields.join(', ')}.`
      : lines
      ? Array.from({ length: lines }, sentence).join('\n')
      : Array.from({ length: 3 + Math.floor(rand() * 3) }, sentence).join(' ');
    return req.maxChars !== undefined ? clip(text, req.maxChars) : text;
  }
}

/**
 * The values of a brief written as a form, `Label: value` on each of at least two lines (studio's
 * idea, style, mood...), or null. Such a brief is answered with its values in order, so the
 * offline answer is built from what the user filled in rather than stock shots.
 */
function formValues(prompt: string): string[] | null {
  const lines = prompt.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length < 2) return null;
  const values = lines.map((l) => /^[A-Z][A-Za-z ]{0,30}:\s*(\S.*)$/.exec(l)?.[1]?.replace(/[.\s]+$/, ''));
  return values.every((v): v is string => !!v) ? values : null;
}

function wantedLines(instructions: string): number | null {
  const m = instructions.match(/exactly (\d+) lines?|(\d+)\s*줄/i);
  const n = m ? Number(m[1] ?? m[2]) : NaN;
  return Number.isInteger(n) && n > 0 ? Math.min(MAX_LINES, n) : null;
}

/** Distinct words of the prompt (any script), in order of appearance. */
function keywords(prompt: string): string[] {
  const words = (prompt.match(/[\p{L}\p{N}][\p{L}\p{N}'-]+/gu) ?? []).map((w) => w.toLowerCase());
  return [...new Set(words.filter((w) => !STOP.has(w)))].slice(0, 24);
}

/** At most `max` characters (code points, so a Korean syllable or emoji is never split), ending on a word. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, Math.max(0, max)).join('');
  const space = cut.lastIndexOf(' ');
  return (space > cut.length * 0.6 ? cut.slice(0, space) : cut).trimEnd();
}
