import { appTestKit } from '../../platform/testing/render-app';
import { galleryApp } from './app';

/** The gallery app's component-test kit (platform/testing/render-app.tsx): its messages, `renderWith`, `translate`. */
export const { messages, renderWith, translate } = appTestKit(galleryApp);
