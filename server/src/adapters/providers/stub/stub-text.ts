import type { TextProvider, TextRequest } from '../../../core/ports/providers';
import { hashString, seededRandom } from './seeded-random';
import type { StubRuntime } from './stub-runtime';

const OPENINGS = ['Golden light spills across', 'A slow push-in on', 'Handheld close-up of', 'Wide shot over', 'Silhouette against', 'Overhead view of'];
const PLACES = ['a rainy city street', 'a seaside village at dawn', 'a crowded school hallway', 'a quiet rooftop at dusk', 'a neon-lit night market', 'an old family kitchen'];
const ACTIONS = ['the main character laughs with friends', 'the main character looks back and smiles', 'the main character runs toward the horizon', 'the main character opens a long-lost letter', 'the main character dances alone', 'the main character takes a deep breath'];

/** Deterministic prose: one shot description per line, picked by a PRNG seeded from prompt and seed. */
export class StubTextProvider implements TextProvider {
  readonly name = 'stub-text';
  constructor(private readonly rt: StubRuntime) {}

  async complete(req: TextRequest): Promise<string> {
    await this.rt.enter('text', req.prompt);
    const rand = seededRandom(hashString(`${req.system ?? ''}\n${req.prompt}`, req.seed));
    const wanted = Number(req.system?.match(/exactly (\d+) lines/)?.[1] ?? 3);
    const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
    const lines = Array.from({ length: Math.min(12, wanted) }, () => `${pick(OPENINGS)} ${pick(PLACES)}, ${pick(ACTIONS)}.`);
    const text = lines.join('\n');
    return req.maxChars ? text.slice(0, req.maxChars) : text;
  }
}
