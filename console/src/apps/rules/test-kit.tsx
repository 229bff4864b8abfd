import { appTestKit } from '../../platform/testing/render-app';
import { rulesApp } from './app';

/** The rules app's component-test kit (platform/testing/render-app.tsx): its messages, `renderWith`, `translate`. */
export const { messages, renderWith, translate } = appTestKit(rulesApp);
