import { setFlagsFromString } from 'node:v8';

/** How far V8's heap may grow past its live size before the next full collection (V8's --heap-growing-percent). */
export const HEAP_GROWING_PERCENT = 300;

/**
 * Sets this process's heap for media work, once at its start (every CLI command; bench/run.ts as
 * the API process it measures). A media process moves many MB of photo bytes a second, and V8
 * counts those buffers against an old-generation limit sized from the small live JS heap: it ran a
 * full mark-compact every few MB, about one per photo on a GPU worker at 10-40 ms each (bench h).
 * Letting the heap grow 4x its live size between collections runs a quarter as many. The cost is
 * memory: the JS heap (tens of MB live) may reach 4x that before it is collected.
 */
export function tuneHeapForMedia(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
