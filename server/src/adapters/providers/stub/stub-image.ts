import type { GeneratedImage, ImageProvider, ImageRequest } from '../../../core/ports/providers';
import { UnreadableReferenceError, renderPicture } from './stub-picture';
import { StubPredictions, type StubPredictionOptions } from './stub-predictions';
import { checkInt, invalidRequest, type StubRuntime } from './stub-runtime';

const MAX_SIDE = 4096;

/** Seeded PNGs (see renderPicture), the first reference image set into them. A prediction (see StubPredictions). */
export class StubImageProvider extends StubPredictions<ImageRequest, GeneratedImage> implements ImageProvider {
  readonly name = 'stub-image';
  constructor(rt: StubRuntime, opts: StubPredictionOptions = {}) {
    super(rt, 'image', 'stubimg', opts);
  }

  protected check(req: ImageRequest): void {
    checkInt('image', 'width', req.width, 1, MAX_SIDE);
    checkInt('image', 'height', req.height, 1, MAX_SIDE);
  }

  protected prompt(req: ImageRequest): string {
    return req.prompt;
  }

  protected async produce(req: ImageRequest): Promise<GeneratedImage> {
    const png = await renderPicture(req).catch((err: unknown) => {
      // An unreadable reference fails the prediction, not retryable: the same request fails the same way.
      throw err instanceof UnreadableReferenceError ? invalidRequest('image', `unreadable reference image: ${err.message}`, { cause: err }) : err;
    });
    return { png, width: req.width, height: req.height };
  }
}
