import { describe, expect, it } from 'vitest';
import type { ModerationProvider, Prediction, PredictionProvider, ProviderAttempt } from '../../../core/ports/providers';
import { TestClock } from '../../../testing/test-clock';
import { ProviderError } from '../provider-error';
import { RoutedModeration } from './routed-moderation';
import { RoutedProvider } from './routed-provider';

/**
 * A fake prediction provider: `next` says what each submit does (accept, or throw a retryable or a
 * refusing ProviderError); `settle` decides what `get` answers. Time is a TestClock's.
 */
function fake(name: string, clock?: TestClock, opts: { model?: string; submitMs?: number } = {}) {
  const outcomes: ('ok' | 'retryable' | 'refused')[] = [];
  const states = new Map<string, Prediction<string>>();
  let n = 0;
  let getThrows = false;
  const submits: string[] = [];
  const provider: PredictionProvider<string, string> = {
    name,
    ...(opts.model ? { model: opts.model } : {}),
    async submit(req, o = {}) {
      if (opts.submitMs) clock?.advance(opts.submitMs);
      const what = outcomes.shift() ?? 'ok';
      submits.push(req);
      if (what === 'retryable') throw new ProviderError(`${name}: 503 overloaded`, true, name, { status: 503 });
      if (what === 'refused') throw new ProviderError(`${name}: 422 prompt refused`, false, name, { status: 422 });
      const id = `${name}-${++n}|extra`;
      states.set(id, { id, status: 'processing' });
      if (o.webhook) queueMicrotask(() => o.webhook!({ id, status: 'processing' }));
      return { id };
    },
    async get(id) {
      if (getThrows) throw new ProviderError(`${name}: 500`, true, name, { status: 500 });
      return states.get(id) ?? null;
    },
  };
  return {
    provider,
    submits,
    will(...o: typeof outcomes) {
      outcomes.push(...o);
    },
    settle(id: string, p: Omit<Prediction<string>, 'id'>) {
      states.set(id, { id, ...p });
    },
    getThrows(v: boolean) {
      getThrows = v;
    },
  };
}

const route = (clock: TestClock, ...providers: ReturnType<typeof fake>[]) =>
  new RoutedProvider('image', providers.map((p) => p.provider), { clock, failureThreshold: 3, cooldownMs: 30_000 });

describe('RoutedProvider', () => {
  it('the first provider serves when it can; the id names it and get goes to it', async () => {
    const clock = new TestClock();
    const fal = fake('fal', clock, { model: 'fal-ai/flux', submitMs: 40 });
    const rep = fake('replicate');
    const r = route(clock, fal, rep);
    const attempts: ProviderAttempt[] = [];
    const { id } = await r.submit('a cat', { onAttempt: (a) => attempts.push(a) });
    expect(id).toBe('fal:fal-1|extra');
    expect(attempts).toEqual([{ provider: 'fal', model: 'fal-ai/flux', ms: 40, id: 'fal-1|extra' }]);
    expect(rep.submits).toEqual([]);
    fal.settle('fal-1|extra', { status: 'succeeded', output: 'png' });
    expect(await r.get(id)).toEqual({ id, status: 'succeeded', output: 'png' });
    // An id no provider of the list gave: unknown, like an expired prediction.
    expect(await r.get('comfyui:fal-1|extra')).toBeNull();
    expect(await r.get('no-prefix')).toBeNull();
    expect(await r.get('fal:nothing')).toBeNull();
  });

  it('a retryable failure passes the call to the next provider, and both attempts are told', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const rep = fake('replicate', clock, { model: 'black-forest-labs/flux-schnell' });
    fal.will('retryable');
    const attempts: ProviderAttempt[] = [];
    const { id } = await route(clock, fal, rep).submit('a cat', { onAttempt: (a) => attempts.push(a) });
    expect(id).toBe('replicate:replicate-1|extra');
    expect(attempts).toEqual([
      { provider: 'fal', ms: 0, error: { message: 'fal: 503 overloaded', retryable: true } },
      { provider: 'replicate', model: 'black-forest-labs/flux-schnell', ms: 0, id: 'replicate-1|extra' },
    ]);
  });

  it('a refusal of the request is thrown at once, without trying the next', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const rep = fake('replicate');
    fal.will('refused');
    const attempts: ProviderAttempt[] = [];
    const err = await route(clock, fal, rep).submit('x', { onAttempt: (a) => attempts.push(a) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).status).toBe(422);
    expect(rep.submits).toEqual([]);
    expect(attempts).toHaveLength(1);
  });

  it('when every provider fails retryably, the last error is thrown', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const rep = fake('replicate');
    fal.will('retryable');
    rep.will('retryable');
    await expect(route(clock, fal, rep).submit('x')).rejects.toMatchObject({ provider: 'replicate', retryable: true });
  });

  it('a webhook is passed on with the routed id', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const seen: string[] = [];
    await route(clock, fal).submit('x', { webhook: (p) => seen.push(p.id) });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual(['fal:fal-1|extra']);
  });

  it('opens after N failures in a row, skips the provider for the cooldown, then lets one trial through', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const rep = fake('replicate');
    const r = route(clock, fal, rep);
    fal.will('retryable', 'retryable', 'retryable');
    for (let i = 0; i < 3; i++) expect((await r.submit(`x${i}`)).id).toMatch(/^replicate:/);
    expect(r.members().map((m) => m.circuit)).toEqual(['open', 'closed']);
    // Open: fal is not asked at all.
    expect((await r.submit('skipped')).id).toMatch(/^replicate:/);
    expect(fal.submits).toEqual(['x0', 'x1', 'x2']);
    clock.advance(29_999);
    await r.submit('still open');
    expect(fal.submits).toHaveLength(3);
    clock.advance(1);
    expect(r.members()[0]!.circuit).toBe('half_open');
    // The trial is accepted: the circuit closes.
    expect((await r.submit('trial')).id).toMatch(/^fal:/);
    expect(r.members()[0]!.circuit).toBe('closed');
  });

  it('a half-open circuit lets one trial at a time; a failed trial opens it for another cooldown', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const rep = fake('replicate');
    const r = route(clock, fal, rep);
    fal.will('retryable', 'retryable', 'retryable');
    for (let i = 0; i < 3; i++) await r.submit('x');
    clock.advance(30_000);
    // A trial that hangs: a second call meanwhile goes to replicate.
    let release!: () => void;
    const slow = fal.provider.submit.bind(fal.provider);
    fal.provider.submit = async (req, o) => {
      await new Promise<void>((res) => (release = res));
      throw new ProviderError('fal: timed out', true, 'fal');
    };
    const trial = r.submit('trial');
    await new Promise((res) => setTimeout(res, 0));
    expect((await r.submit('meanwhile')).id).toMatch(/^replicate:/);
    release();
    expect((await trial).id).toMatch(/^replicate:/);
    expect(r.members()[0]!.circuit).toBe('open');
    fal.provider.submit = slow;
    clock.advance(29_000);
    expect((await r.submit('y')).id).toMatch(/^replicate:/);
    clock.advance(1_000);
    expect((await r.submit('z')).id).toMatch(/^fal:/);
  });

  it('a success clears the count: failures must be consecutive', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const rep = fake('replicate');
    const r = route(clock, fal, rep);
    fal.will('retryable', 'retryable', 'ok', 'retryable', 'retryable');
    await r.submit('1');
    await r.submit('2');
    const { id } = await r.submit('3');
    expect(id).toMatch(/^fal:/);
    fal.settle(id.slice(4), { status: 'succeeded', output: 'png' });
    await r.get(id);
    await r.submit('4');
    await r.submit('5');
    expect(r.members()[0]!.circuit).toBe('closed');
  });

  it('predictions that settle failed retryably count (each once), as do gets that throw; a refusal does not', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const r = route(clock, fal);
    const a = (await r.submit('a')).id;
    const b = (await r.submit('b')).id;
    fal.settle(a.slice(4), { status: 'failed', error: { message: 'CUDA OOM', retryable: true } });
    fal.settle(b.slice(4), { status: 'failed', error: { message: 'NSFW', retryable: false } });
    // Seen many times (predict, then every poll): counted once.
    for (let i = 0; i < 5; i++) await r.get(a);
    await r.get(b);
    expect(r.members()[0]!.circuit).toBe('closed');
    fal.getThrows(true);
    await expect(r.get(a)).rejects.toThrow(/500/);
    expect(r.members()[0]!.circuit).toBe('closed');
    await expect(r.get(b)).rejects.toThrow(/500/);
    expect(r.members()[0]!.circuit).toBe('open');
    // Reading a prediction is never refused for an open circuit.
    fal.getThrows(false);
    expect(await r.get(a)).toMatchObject({ status: 'failed' });
  });

  it('with every circuit open it fails at once, retryably, saying when the first reopens', async () => {
    const clock = new TestClock();
    const fal = fake('fal');
    const r = route(clock, fal);
    fal.will('retryable', 'retryable', 'retryable');
    for (let i = 0; i < 3; i++) await r.submit('x').catch(() => {});
    clock.advance(10_000);
    const err = (await r.submit('y').catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 20_000 });
    expect(err.message).toMatch(/every provider's circuit is open \(fal\); the first reopens in 20 s/);
    expect(fal.submits).toHaveLength(3);
  });

  it('refuses a list that is empty, repeats a provider, or has a name that would break its ids', () => {
    const clock = new TestClock();
    expect(() => new RoutedProvider('image', [], { clock })).toThrow(/no provider/);
    expect(() => route(clock, fake('fal'), fake('fal'))).toThrow(/listed twice/);
    expect(() => route(clock, fake('a:b'))).toThrow(/':'/);
  });
});

describe('RoutedModeration', () => {
  const mod = (name: string, behave: () => Promise<{ flagged: boolean; categories: string[] }>): ModerationProvider & { calls: number } => {
    const p = { name, calls: 0, async checkText() { p.calls++; return behave(); } };
    return p;
  };

  it('fails over on a retryable error, throws a refusal, and opens the circuit after N failures', async () => {
    const clock = new TestClock();
    const down = mod('openai', async () => { throw new ProviderError('openai: 500', true, 'openai'); });
    const stub = mod('stub', async () => ({ flagged: false, categories: [] }));
    const r = new RoutedModeration([down, stub], { clock, failureThreshold: 2 });
    const attempts: ProviderAttempt[] = [];
    expect(await r.checkText('hello', { onAttempt: (a) => attempts.push(a) })).toEqual({ flagged: false, categories: [] });
    expect(attempts.map((a) => [a.provider, a.error?.retryable ?? 'served'])).toEqual([['openai', true], ['stub', 'served']]);
    await r.checkText('again');
    expect(r.members().map((m) => m.circuit)).toEqual(['open', 'closed']);
    await r.checkText('skipped');
    expect(down.calls).toBe(2);

    const refusing = mod('openai', async () => { throw new ProviderError('openai: 400 bad input', false, 'openai'); });
    const r2 = new RoutedModeration([refusing, stub], { clock });
    await expect(r2.checkText('x')).rejects.toThrow(/400/);
  });
});
