import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OutputCopies } from '../../adapters/providers/http/output-copies';
import { LocalObjectStorage } from '../../adapters/storage/local-storage';
import type { ContractRequest } from '../contract-server';

/** The key the OpenAI adapter tests use: it must never show in an error. */
export const TEST_OPENAI_KEY = 'sk-test-0123456789abcdefSECRET';

/** OutputCopies over local storage in a fresh temp dir; `remove` deletes the dir. */
export function tempCopies(): { copies: OutputCopies; storage: LocalObjectStorage; remove: () => void } {
  const rootDir = mkdtempSync(path.join(os.tmpdir(), 'mf-openai-'));
  const storage = new LocalObjectStorage({ rootDir, publicBaseUrl: 'http://127.0.0.1:1', secret: 'test-secret' });
  return { copies: new OutputCopies(storage), storage, remove: () => rmSync(rootDir, { recursive: true, force: true }) };
}

/** A Chat Completions answer (OpenAI API reference "The chat completion object") with `content`. */
export function chatCompletion(content: string | null, extra: { id?: string; refusal?: string; finish_reason?: string } = {}) {
  return {
    id: extra.id ?? 'chatcmpl-abc123', object: 'chat.completion', created: 1_760_000_000, model: 'gpt-4.1-mini',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: extra.refusal ?? null }, finish_reason: extra.finish_reason ?? 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** OpenAI's error body (`{error: {message, type, param, code}}`). */
export const openAIError = (message: string, code: string | null = null, param: string | null = null) => ({
  error: { message, type: 'invalid_request_error', param, code },
});

/** The multipart form a contract server received. */
export function formOf(req: ContractRequest): Promise<FormData> {
  return new Request('http://contract.local/', {
    method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: new Uint8Array(req.body),
  }).formData();
}
