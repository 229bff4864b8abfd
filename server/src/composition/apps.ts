import { clipsApp } from '../apps/clips';
import { galleryApp } from '../apps/gallery';
import { rulesApp } from '../apps/rules';
import { safetymvApp } from '../apps/safetymv';
import { studioApp } from '../apps/studio';
import type { AppModule } from '../http/app-module';

/** The apps this build mounts: adding an app is its folder under `apps/` and a line here. */
export const APPS: readonly AppModule[] = [clipsApp, studioApp, rulesApp, galleryApp, safetymvApp];
