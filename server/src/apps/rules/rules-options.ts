/**
 * Seed 003's plan limits ("Rate Limits"): jobs at once, saved rules, images in one job; and ours,
 * jobs made and not yet run (`waitingJobs`: their photos are stored before anything is charged).
 */
export const RULES_PLAN_LIMITS = {
  free: { runningJobs: 1, ruleSlots: 2, imagesPerJob: 10, waitingJobs: 2 },
  pro: { runningJobs: 3, ruleSlots: 20, imagesPerJob: 200, waitingJobs: 5 },
} as const;

/** A job not run this long after it was made is cancelled and its photos deleted (rules-sweep.ts). */
export const DRAFT_TTL_SEC = 24 * 3600;

/** Credits an image costs when a job is executed. */
export const RULES_PRICES = { image: 1 } as const;
