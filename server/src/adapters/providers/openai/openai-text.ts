import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Prediction, TextProvider, TextRequest } from '../../../core/ports/providers';
import type { OutputCopies } from '../http/output-copies';
import { schemaProblems, type JsonSchema } from '../json/simple-schema';
import { parseTolerantJson } from '../json/tolerant-json';
import { ProviderError } from '../provider-error';
import { OPENAI, OpenAIClient, type OpenAIConnectionOptions } from './openai-client';

export interface OpenAITextOptions extends OpenAIConnectionOptions {
  /** The model as the server names it: `gpt-4.1-mini` on OpenAI, `llama3.1:8b` on Ollama, the served name on vLLM. */
  model: string;
  /** Sampling temperature (0..2); unset sends none, so models that take only their default (o-series, gpt-5) accept the call. */
  temperature?: number;
}

/** Default time limit of one completion: long answers of slow local models take a while. */
const TEXT_TIMEOUT_MS = 120_000;
const OUTPUT = 'text.txt';

type Message = { role: 'system' | 'user'; content: string };

/** A Chat Completions answer, the part we read (OpenAI API reference "The chat completion object"). */
const ChatCompletion = z.object({
  id: z.string().optional(),
  choices: z.array(z.object({
    message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
    finish_reason: z.string().nullish(),
  })).min(1, 'no choices'),
});

/**
 * Text from any OpenAI-compatible Chat Completions server (`POST {baseUrl}/chat/completions`):
 * OpenAI, vLLM, Ollama, llama.cpp's server, OpenRouter, LiteLLM. The API is synchronous: `submit`
 * makes the call and keeps the text with OutputCopies; `get` reads it back (`succeeded`), or null
 * once it is gone from storage. A failed call is thrown by `submit` as a ProviderError (retryable
 * on 429, 5xx, timeouts; not on a refusal or an answer that is not the JSON asked for).
 *
 * `seed` is sent (OpenAI's best-effort determinism; vLLM, Ollama and llama.cpp honour it);
 * `maxChars` cuts the text, on a word where one is near.
 *
 * With `json`, the answer is a JSON value matching the schema: first asked for with
 * `response_format: {type: 'json_schema', json_schema: {name, schema, strict: true}}`; a server
 * that refuses that (400/422 naming response_format or json_schema: older vLLM, llama.cpp, some
 * gateways) is asked in the prompt instead, and remembered per schema name. Either way the answer
 * is read tolerantly (code fences and surrounding prose stripped) and checked against the schema;
 * if it still does not match, ONE repair call asks the model to correct it, and after that the
 * call fails, not retryably (the same request would very likely fail the same way).
 */
export class OpenAITextProvider implements TextProvider {
  readonly name = OPENAI;
  private readonly client: OpenAIClient;
  /** Schema names the server refused as response_format: asked for in the prompt from then on. */
  private readonly refusedSchemas = new Set<string>();

  /** The model each call asks for (recorded with the call). */
  get model(): string {
    return this.opts.model;
  }

  constructor(private readonly opts: OpenAITextOptions, private readonly copies: OutputCopies) {
    this.client = new OpenAIClient(opts, TEXT_TIMEOUT_MS);
  }

  async submit(req: TextRequest): Promise<{ id: string }> {
    const { id, text } = req.json ? await this.completeJson(req, req.json) : await this.completeText(req);
    // The completion id first (the convention of every adapter), made unique: local servers reuse theirs.
    const predictionId = `${id ?? 'chatcmpl'}|${randomBytes(8).toString('hex')}`;
    await this.copies.save(OPENAI, predictionId, OUTPUT, Buffer.from(text, 'utf8'), 'text/plain; charset=utf-8');
    return { id: predictionId };
  }

  async get(id: string): Promise<Prediction<string> | null> {
    const kept = await this.copies.load(OPENAI, id, OUTPUT);
    return kept ? { id, status: 'succeeded', output: kept.toString('utf8') } : null;
  }

  private async completeText(req: TextRequest): Promise<{ id?: string; text: string }> {
    const answer = await this.complete(req, messages(req));
    return { id: answer.id, text: req.maxChars !== undefined ? cut(answer.text, req.maxChars) : answer.text };
  }

  private async completeJson(req: TextRequest, json: NonNullable<TextRequest['json']>): Promise<{ id?: string; text: string }> {
    const name = schemaName(json.name);
    const format = { type: 'json_schema', json_schema: { name, schema: strictSchema(json.schema), strict: true } };
    let answer: { id?: string; text: string } | undefined;
    if (!this.refusedSchemas.has(name)) {
      try {
        answer = await this.complete(req, messages(req), format);
      } catch (err) {
        if (!refusesFormat(err)) throw err;
        this.refusedSchemas.add(name);
      }
    }
    const structured = answer !== undefined;
    answer ??= await this.complete(req, messages(req, json.schema));
    const first = readJson(answer.text, json.schema);
    if (first.ok) return { id: answer.id, text: JSON.stringify(first.value) };

    const repair = await this.complete(req, repairMessages(answer.text, first.problem, json.schema), structured ? format : undefined);
    const second = readJson(repair.text, json.schema);
    if (second.ok) return { id: answer.id, text: JSON.stringify(second.value) };
    throw new ProviderError(
      `${OPENAI}: the answer is not JSON matching the schema "${name}", even after a repair (${second.problem}): ${clip(repair.text)}`,
      false, OPENAI,
    );
  }

  /** One Chat Completions call for `req` (its model, seed and temperature, else the configured ones); the text of its first choice. */
  private async complete(req: TextRequest, msgs: Message[], responseFormat?: unknown): Promise<{ id?: string; text: string }> {
    const temperature = req.temperature ?? this.opts.temperature;
    const body = {
      model: req.model ?? this.opts.model,
      messages: msgs,
      seed: req.seed,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(responseFormat ? { response_format: responseFormat } : {}),
    };
    const res = await this.client.json(ChatCompletion, { method: 'POST', path: 'chat/completions', json: body });
    const choice = res.choices[0]!;
    if (choice.message.refusal) throw new ProviderError(`${OPENAI}: the model refused: ${clip(choice.message.refusal)}`, false, OPENAI);
    if (choice.finish_reason === 'content_filter') throw new ProviderError(`${OPENAI}: the answer was withheld by the server's content filter`, false, OPENAI);
    const text = withoutThinking(choice.message.content ?? '');
    if (!text.trim()) throw new ProviderError(`${OPENAI}: the answer is empty (finish_reason ${choice.finish_reason ?? 'unknown'})`, true, OPENAI);
    return { id: res.id, text };
  }
}

/** The request as messages; with `jsonSchema`, the system message asks for JSON (the fallback path). */
function messages(req: TextRequest, jsonSchema?: JsonSchema): Message[] {
  const ask = jsonSchema
    ? `Answer with one JSON value only (no prose, no code fence) that matches this JSON Schema:\n${JSON.stringify(jsonSchema)}`
    : undefined;
  const system = [req.system, ask].filter(Boolean).join('\n\n');
  return [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: req.prompt }];
}

function repairMessages(text: string, problem: string, schema: JsonSchema): Message[] {
  return [
    { role: 'system', content: 'You correct JSON. Answer with the corrected JSON value only: no prose, no code fence.' },
    {
      role: 'user',
      content: `This answer was meant to be one JSON value matching the JSON Schema below, but ${problem}.\n\nSchema:\n${JSON.stringify(schema)}\n\nAnswer:\n${text}`,
    },
  ];
}

/** The answer's JSON value when it parses and matches the schema, else what is wrong, in words. */
function readJson(text: string, schema: JsonSchema): { ok: true; value: unknown } | { ok: false; problem: string } {
  const parsed = parseTolerantJson(text);
  if (!parsed.ok) return { ok: false, problem: `it does not parse as JSON (${parsed.error})` };
  const problems = schemaProblems(parsed.value, schema);
  return problems.length === 0 ? { ok: true, value: parsed.value } : { ok: false, problem: `it does not match the schema: ${problems.join('; ')}` };
}

/**
 * A 400 or 422 whose message names response_format or json_schema: the server does not do
 * structured output (or not with this schema), so the prompt asks for JSON instead.
 */
function refusesFormat(err: unknown): boolean {
  return err instanceof ProviderError && (err.status === 400 || err.status === 422) && /response_format|json_schema/i.test(err.message);
}

/**
 * The schema as strict mode requires (OpenAI "Structured Outputs: supported schemas"): every
 * object closed (`additionalProperties: false`) with all its properties required. A property the
 * caller left optional is then always present, which a caller reading optional fields accepts.
 */
export function strictSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (out.properties && typeof out.properties === 'object') {
    const props = Object.fromEntries(Object.entries(out.properties as Record<string, JsonSchema>).map(([k, v]) => [k, strictSchema(v)]));
    out.properties = props;
    out.required = Object.keys(props);
    out.additionalProperties ??= false;
  }
  if (out.items && typeof out.items === 'object' && !Array.isArray(out.items)) out.items = strictSchema(out.items as JsonSchema);
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(out[k])) out[k] = (out[k] as JsonSchema[]).map(strictSchema);
  return out;
}

/** OpenAI's rule for `json_schema.name`: `^[a-zA-Z0-9_-]{1,64}$`. */
const schemaName = (name: string) => name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer';

/** The answer without a leading `<think>...</think>` block (reasoning models served by vLLM or Ollama). */
const withoutThinking = (text: string) => text.replace(/^\s*<think>[\s\S]*?<\/think>\s*/, '');

/** At most `max` characters (code points: a syllable or emoji is never split), ending on a word when one ends near. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, Math.max(0, max)).join('');
  const space = head.lastIndexOf(' ');
  return (space > head.length * 0.6 ? head.slice(0, space) : head).trimEnd();
}

const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);
