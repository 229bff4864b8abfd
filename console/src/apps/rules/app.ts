import type { ConsoleApp } from '../../platform/console-app';
import { rulesMessages, type RulesMessageKey } from './messages';
import { RulesApp } from './RulesApp';

/** Rules (seed 003, the server's `/s3`): saved photo rules with a live preview, and batches of photos run on GPU workers. */
export const rulesApp: ConsoleApp<RulesMessageKey> = {
  id: 'rules',
  paths: ['/rules', '/rules/batch'],
  nav: 'nav.rules',
  Page: RulesApp,
  messages: rulesMessages,
};
