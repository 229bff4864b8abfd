import { notFound } from '../../core/errors/app-error';
import { textFault } from '../../core/text/text-rule';
import type { JobStatus } from '../../core/jobs/job-status';
import type { Asset, Job, JobItem, JobStep } from '../../core/ports/store';
import type { Deps } from '../deps';
import { assertOwner, type Actor } from './actor';
import type { CachedJobDetail, JobDetailCache } from './job-detail-cache';

export interface JobDetail {
  job: Job;
  steps: JobStep[];
  items: JobItem[];
  assets: Asset[];
}

export async function getJob(deps: Deps, actor: Actor, jobId: string): Promise<Job> {
  const job = await deps.store.read((r) => r.jobs.get(jobId));
  if (!job) throw notFound('JOB_NOT_FOUND', 'Job not found');
  assertOwner(job, actor);
  return job;
}

/** A job with its steps, items, assets and signed URLs, for its owner or an admin. */
export async function getJobDetail(cache: JobDetailCache, actor: Actor, jobId: string): Promise<CachedJobDetail> {
  const detail = await cache.get(jobId);
  if (!detail) throw notFound('JOB_NOT_FOUND', 'Job not found');
  assertOwner(detail.job, actor);
  return detail;
}

/** An opaque cursor: the (createdAt, id) of the last job of the previous page. */
export const encodeCursor = (job: Pick<Job, 'createdAt' | 'id'>) =>
  Buffer.from(`${job.createdAt.toISOString()}|${job.id}`).toString('base64url');

/**
 * The (createdAt, id) of a cursor, or null unless it could be one `encodeCursor` made: an ISO
 * instant from 1970 to 9999 (the database refuses years such as -5000) and an id of at most 100
 * characters that passes the text rule. Anything else is the caller's 400.
 */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [at, id] = parts;
  if (parts.length !== 2 || !at || !id || id.length > 100 || textFault(id) || !ISO_INSTANT.test(at)) return null;
  const createdAt = new Date(at);
  const ms = createdAt.getTime();
  if (Number.isNaN(ms) || ms < 0 || ms > LAST_INSTANT) return null;
  return { createdAt, id };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export async function listJobs(
  deps: Deps,
  query: { userId?: string; app?: string; pipelines?: readonly string[]; status?: JobStatus; limit: number; after?: { createdAt: Date; id: string } },
): Promise<{ jobs: Job[]; nextCursor: string | null }> {
  const rows = await deps.store.read((r) => r.jobs.list({ ...query, limit: query.limit + 1 }));
  const jobs = rows.slice(0, query.limit);
  const last = jobs[jobs.length - 1];
  return { jobs, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/** Signed URLs for a job's assets, by slot. */
export async function assetUrls(deps: Pick<Deps, 'storage' | 'settings'>, assets: Asset[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const a of assets) out.set(a.id, await deps.storage.signedGetUrl(a.storageKey, deps.settings.mediaUrlTtlSec));
  return out;
}
