import type { ConsoleApp } from '../../platform/console-app';
import { MvJobPage } from './MvJobPage';
import { SafetyMvApp } from './SafetyMvApp';
import { safetymvMessages, type SafetymvMessageKey } from './messages';

/** Safety MV (seed 002): safety guidelines, typed or a PDF, to a reviewed music-video plan with its character image. */
export const safetymvApp: ConsoleApp<SafetymvMessageKey> = {
  id: 'safetymv',
  paths: ['/safetymv', '/safetymv/:jobId'],
  nav: 'nav.safetymv',
  Page: SafetyMvApp,
  JobPage: MvJobPage,
  messages: safetymvMessages,
};
