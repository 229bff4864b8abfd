import { appTestKit } from '../../platform/testing/render-app';
import { safetymvApp } from './app';

/** The safety MV app's component-test kit (platform/testing/render-app.tsx): its messages, `renderWith`, `translate`. */
export const { messages, renderWith, translate } = appTestKit(safetymvApp);
