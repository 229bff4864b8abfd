import type { ConsoleApp } from '../../platform/console-app';
import { ClipsJobPage } from './ClipsJobPage';
import { ClipsPage } from './ClipsPage';
import { clipsMessages, type ClipsMessageKey } from './messages';

/** Clips: photos in, short videos out. The console's home page. */
export const clipsApp: ConsoleApp<ClipsMessageKey> = {
  id: 'clips',
  paths: ['/', '/clips'],
  nav: 'nav.clips',
  Page: ClipsPage,
  JobPage: ClipsJobPage,
  messages: clipsMessages,
};
