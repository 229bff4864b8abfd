import { storyFlowOnEach } from '../../testing/clips-on-contracts';

/**
 * Issue 9, end to end: the clips story flow over HTTP with IMAGE_PROVIDERS and VIDEO_PROVIDERS set
 * as an operator would, to each hosted adapter in turn on its contract server making real media
 * (OpenAI and ComfyUI: clips-providers-self-hosted.test.ts; failover and webhooks beside).
 */

storyFlowOnEach(['replicate', 'fal']);
