import { createFakeApi, type FakeReply as Reply } from '../../platform/testing/fake-api';
import type { BatchJob, Preset, RulesMe } from './rules-api';

/** The rules app's tests' stand-in for the server behind the typed client (platform/testing/fake-api.ts). */
const fake = createFakeApi();
export const fakeServer = fake.server;
export const fakeApi = fake.api;

const meta = { request_id: 'req_test', timestamp: '2026-12-02T09:00:00.000Z' };
export const ok = (data: unknown, status = 200): Reply => ({ status, body: { success: true, data, error: null, meta } });
export const fail = (status: number, code: string, message: string, details: Record<string, unknown> = {}, headers?: Record<string, string>): Reply =>
  ({ status, body: { success: false, data: null, error: { code, message, ...details }, meta }, headers });


export const ME: RulesMe = {
  user_id: 'usr_1', plan: 'free', credits: 10, rule_slots: { used: 1, limit: 2 }, running_jobs: { count: 0, limit: 1 }, waiting_jobs: { count: 0, limit: 2 }, max_images_per_job: 3,
};

export const PRESETS: Preset[] = [
  {
    id: 'food', name: '음식 사진', name_en: 'Food', description: '채도와 대비를 살립니다. Richer color.',
    operations: [{ op: 'crop_ratio', ratio: '1:1', gravity: 'attention' }, { op: 'saturation', value: 15 }, { op: 'output', format: 'webp', quality: 85 }],
  },
  {
    id: 'profile-portrait', name: '프로필 사진', name_en: 'Profile portrait', description: '4:5로 자르고 2배 확대합니다.',
    operations: [{ op: 'crop_ratio', ratio: '4:5', gravity: 'center' }, { op: 'upscale', scale: 2 }],
  },
];

export const RULE = { id: 'rec_1', name: '내 부동산', operations: [{ op: 'brightness' as const, value: 10 }], created_at: meta.timestamp, updated_at: meta.timestamp };

/** A batch job of `total` photos in `status`, each item as `items` says (pending by default). */
export function batchJob(status: BatchJob['status'], total: number, items: Partial<BatchJob['items'][number]>[] = []): BatchJob {
  const list = Array.from({ length: total }, (_, index) => ({
    index, status: 'pending' as const, input_url: `/files/in/${index}.jpg`, output_url: null, output: null, error: null, ...items[index],
  }));
  return {
    job_id: 'job_1', status, rule: { source: 'preset', id: 'food', name: '음식 사진' }, operations: PRESETS[0]!.operations, output_format: 'image/webp',
    progress: { done: list.filter((i) => i.status === 'done').length, failed: list.filter((i) => i.status === 'failed').length, total },
    items: list, credits: { charged: status === 'created' || status === 'uploaded' ? 0 : total, refunded: 0 }, error: null,
    created_at: meta.timestamp, updated_at: meta.timestamp,
  };
}
