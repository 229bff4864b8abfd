import { createFakeApi } from '../../platform/testing/fake-api';
import type { StudioOptions } from './studio-api';

/** The studio app's tests' stand-in for the server behind the typed client (platform/testing/fake-api.ts). */
const fake = createFakeApi();
export const fakeServer = fake.server;
export const fakeApi = fake.api;


/** The server's vocabularies, with prices other than the defaults: what the buttons show must come from here. */
export const OPTIONS: StudioOptions = {
  styles: ['photorealistic', 'cinematic'], moods: ['warm', 'mysterious'], cameras: ['wide-shot', 'low-angle'], ratios: ['1:1', '16:9'],
  videoSizes: ['1280x720'], videoSeconds: [4, 8, 12], prices: { prompt: 0, image: 2, video: 7 },
};
