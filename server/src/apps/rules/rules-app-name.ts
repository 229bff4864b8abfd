/** Seed 003's app: `jobs.app` of its jobs and its key in the plan limits. */
export const RULES_APP = 'rules';
