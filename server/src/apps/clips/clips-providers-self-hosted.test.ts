import { storyFlowOnEach } from '../../testing/clips-on-contracts';

/**
 * Issue 9, end to end: the clips story flow with IMAGE_PROVIDERS and VIDEO_PROVIDERS set to the
 * adapters an operator can also point at their own machines: OpenAI's shapes (a gateway, vLLM: text
 * and moderation too) and ComfyUI, each on its contract server.
 */

storyFlowOnEach(['openai', 'comfyui']);
