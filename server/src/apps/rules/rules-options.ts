/** Seed 003's plan limits ("Rate Limits"): jobs at once, saved rules, images in one job. */
export const RULES_PLAN_LIMITS = {
  free: { runningJobs: 1, ruleSlots: 2, imagesPerJob: 10 },
  pro: { runningJobs: 3, ruleSlots: 20, imagesPerJob: 200 },
} as const;

/** Credits an image costs when a job is executed. */
export const RULES_PRICES = { image: 1 } as const;
