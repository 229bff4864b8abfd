import type { GeneratedImage, ImageProvider, ImageRequest } from '../../../core/ports/providers';
import { UnreadableReferenceError, renderPicture } from './stub-picture';
import { checkInt, invalidRequest, type StubRuntime } from './stub-runtime';

const MAX_SIDE = 4096;

/** Seeded PNGs (see renderPicture), the first reference image set into them. */
export class StubImageProvider implements ImageProvider {
  readonly name = 'stub-image';
  constructor(private readonly rt: StubRuntime) {}

  generate(req: ImageRequest): Promise<GeneratedImage> {
    return this.rt.call('image', req.prompt, async () => {
      checkInt('image', 'width', req.width, 1, MAX_SIDE);
      checkInt('image', 'height', req.height, 1, MAX_SIDE);
      const png = await renderPicture(req).catch((err: unknown) => {
        throw err instanceof UnreadableReferenceError ? invalidRequest('image', `unreadable reference image: ${err.message}`, { cause: err }) : err;
      });
      return { png, width: req.width, height: req.height };
    });
  }
}
