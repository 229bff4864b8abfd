import { appTestKit } from '../../platform/testing/render-app';
import { studioApp } from './app';

/** The studio app's component-test kit (platform/testing/render-app.tsx): its messages, `renderWith`. */
export const { messages, renderWith } = appTestKit(studioApp);
