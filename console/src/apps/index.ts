import { clipsApp } from './clips/app';
import { galleryApp } from './gallery/app';
import { rulesApp } from './rules/app';
import { safetymvApp } from './safetymv/app';
import { studioApp } from './studio/app';

/**
 * The console's apps, in header order; the first is the home page. Adding an app is its folder
 * (with an `app.ts` describing it) and a line here.
 */
export const apps = [clipsApp, studioApp, rulesApp, galleryApp, safetymvApp] as const;
