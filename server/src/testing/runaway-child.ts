/**
 * A ChildPool child for tests that acts out what a hostile input does to an image worker: it
 * eats memory, spins, crashes, or runs the crop that used to take the server down.
 */
import sharp from 'sharp';
import { InvalidMediaError } from '../core/ports/media';
import { serveChild } from '../adapters/media/child-serve';

const held: Buffer[] = [];

serveChild({
  echo: async (value: unknown) => value,
  fail: async (message: string) => {
    throw new InvalidMediaError(message);
  },
  /** Native memory (Buffers live outside V8's heap, like libvips' pixels), 16 MB at a time, forever. */
  hog: async () => {
    for (;;) {
      held.push(Buffer.alloc(16 * 1024 * 1024, 1));
      await new Promise((r) => setTimeout(r, 5));
    }
  },
  /** A loop that never yields: only a kill stops it. */
  spin: async () => {
    for (;;);
  },
  crash: async () => {
    process.kill(process.pid, 'SIGSEGV');
  },
  /** The old normalizeImage: an attention crop of the strip enlarged to cover the square. */
  unboundedCover: async (width: number, height: number, size: number) => {
    const strip = await sharp({ create: { width, height, channels: 3, background: '#345' } }).png().toBuffer();
    const out = await sharp(strip).resize(size, size, { fit: 'cover', position: 'attention' }).png().toBuffer();
    return out.length;
  },
});
