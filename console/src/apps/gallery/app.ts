import type { ConsoleApp } from '../../platform/console-app';
import { GalleryApp } from './GalleryApp';
import { galleryMessages, type GalleryMessageKey } from './messages';

/** Gallery (seed 004): representative images of characters, web novels and origchat characters, made in batches and managed. */
export const galleryApp: ConsoleApp<GalleryMessageKey> = {
  id: 'gallery',
  paths: ['/gallery', '/gallery/:collection/:id'],
  nav: 'nav.gallery',
  Page: GalleryApp,
  messages: galleryMessages,
};
