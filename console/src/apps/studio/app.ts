import type { ConsoleApp } from '../../platform/console-app';
import { studioMessages, type StudioMessageKey } from './messages';
import { StudioPage } from './StudioPage';

/** Studio (seed 001): an idea becomes a prompt, an image and a video; its history beside them. */
export const studioApp: ConsoleApp<StudioMessageKey> = {
  id: 'studio',
  paths: ['/studio'],
  nav: 'nav.studio',
  Page: StudioPage,
  messages: studioMessages,
};
