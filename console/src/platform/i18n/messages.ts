import type { apps } from '../../apps';
import type { ConsoleApp } from '../console-app';
import { adminMessages } from '../admin/messages';

/**
 * The shell's own text, Korean first, English second; every key exists in both. Each app brings
 * its own messages (`ConsoleApp.messages`), merged with these by `catalog()`.
 */
export const platformMessages = {
  ko: {
    'app.title': 'mediaforge',
    'nav.jobs': '내 작업',
    'header.credits': '크레딧',
    'lang.switch': 'English',
    'job.status.draft': '초안',
    'job.status.queued': '대기열에 등록되었습니다',
    'job.status.running': '만드는 중',
    'job.status.waiting': '기다리는 중',
    'job.status.completed': '완료',
    'job.status.failed': '실패',
    'job.status.cancelled': '취소됨',
    'jobs.heading': '내 작업',
    'jobs.empty': '아직 작업이 없습니다.',
    'jobs.open': '열기',
    'jobs.more': '더 보기',
    'jobs.noView': '이 작업은 콘솔에서 열 수 없습니다.',
    ...adminMessages.ko,
  },
  en: {
    'app.title': 'mediaforge',
    'nav.jobs': 'My jobs',
    'header.credits': 'Credits',
    'lang.switch': '한국어',
    'job.status.draft': 'Draft',
    'job.status.queued': 'Queued',
    'job.status.running': 'Working',
    'job.status.waiting': 'Waiting',
    'job.status.completed': 'Done',
    'job.status.failed': 'Failed',
    'job.status.cancelled': 'Cancelled',
    'jobs.heading': 'My jobs',
    'jobs.empty': 'No jobs yet.',
    'jobs.open': 'Open',
    'jobs.more': 'More',
    'jobs.noView': 'This job cannot be opened in the console.',
    ...adminMessages.en,
  },
} as const;

export type Lang = keyof typeof platformMessages;

type AppMessageKey<A> = A extends ConsoleApp<infer K> ? K : never;
/** Every key `t()` takes: the platform's and those of each app in the list. */
export type MessageKey = keyof (typeof platformMessages)['ko'] | AppMessageKey<(typeof apps)[number]>;
