import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { IMAGE_LIMITS, imageLimitProblem, type ImageLimits } from '../../core/media/image-limits';
import { ImageOverLimitError, InvalidMediaError, MediaLimitError, type AssembleClip, type AssembleOptions, type AssembledVideo, type ImageInfo, type ImageMime, type ImageScreening, type MediaToolkit, type PdfLimits, type PdfText, type VideoInfo } from '../../core/ports/media';
import { assembleFilterGraph } from './assemble-graph';
import { srtOf } from '../../core/media/subtitles';
import { dHashHex } from './dhash';
import { NSFW_INPUT_SIZE, NsfwClassifier } from './nsfw-classifier';
import { FfmpegError, type FfmpegRunner } from './ffmpeg-runner';
import { withTempDir } from './temp-dir';
import { readPdfText } from './pdf-text';
import { parseProbe } from './video-probe';

const FORMATS: Record<string, ImageMime> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export interface MediaToolkitOptions {
  ffmpeg: FfmpegRunner;
  /** Pixel caps per format and the aspect cap (default IMAGE_LIMITS): a bomb or a strip is refused from its header. */
  limits?: ImageLimits;
  /** Time limit of each sharp operation, in seconds (default 20). */
  sharpTimeoutSec?: number;
  /** Largest square `normalizeImage` makes (default 4096). */
  maxOutputSize?: number;
  /** Frame rate of assembled videos whose first clip's rate is unknown or outside 10..60 (default 25). */
  fps?: number;
  /** Gains in `assemble`: the clips' own sound (default 1, 0 drops it) and the bed under it (default 0.6). */
  clipGain?: number;
  bedGain?: number;
}

/** Image work with sharp and video work with ffmpeg, each bounded in pixels and time. */
export class SharpFfmpegToolkit implements MediaToolkit {
  private readonly ffmpeg: FfmpegRunner;
  private readonly limits: ImageLimits;
  private readonly timeoutSec: number;
  private readonly maxOutputSize: number;
  private readonly fps: number;
  private readonly clipGain: number;
  private readonly bedGain: number;
  /** Loaded on the first screenImage. */
  private readonly nsfw = new NsfwClassifier();

  constructor(opts: MediaToolkitOptions) {
    this.ffmpeg = opts.ffmpeg;
    this.limits = opts.limits ?? IMAGE_LIMITS;
    this.timeoutSec = opts.sharpTimeoutSec ?? 20;
    this.maxOutputSize = opts.maxOutputSize ?? 4096;
    this.fps = opts.fps ?? 25;
    this.clipGain = opts.clipGain ?? 1;
    this.bedGain = opts.bedGain ?? 0.6;
  }

  async inspectImage(buf: Buffer): Promise<ImageInfo> {
    const { mime, width, height } = await this.header(buf);
    return this.decoding('cannot decode image', async () => {
      // A full decode streamed into a tiny thumbnail: truncated or corrupt data fails here without
      // holding the bitmap. JPEG decodes at 1/8 scale (shrink-on-load), which still reads every
      // coefficient, so a 48 MP photo costs what a 1 MP one does.
      await this.image(buf, mime).resize(16, 16, { fit: 'inside' }).raw().toBuffer();
      return { mime, width, height };
    });
  }

  /**
   * Bounded by the limits: decoding by the format's pixel cap (JPEG shrunk on load), and the
   * resize and attention crop by the cover box, at most size x (size x maxAspectRatio) pixels.
   */
  async normalizeImage(buf: Buffer, size: number) {
    if (!Number.isInteger(size) || size < 1 || size > this.maxOutputSize) throw new RangeError(`size must be 1..${this.maxOutputSize}, got ${size}`);
    const { mime } = await this.header(buf);
    return this.decoding('cannot normalise image', async () => {
      const { data, info } = await this.image(buf, mime)
        .autoOrient()
        .resize(size, size, { fit: 'cover', position: 'attention' })
        .png()
        .toBuffer({ resolveWithObject: true });
      return { png: data, width: info.width, height: info.height };
    });
  }

  async perceptualHash(buf: Buffer): Promise<string> {
    const { mime } = await this.header(buf);
    const px = await this.decoding('cannot hash image', () =>
      this.image(buf, mime).autoOrient().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer(),
    );
    return dHashHex(px);
  }

  /** The NSFW scores from the image squeezed to the model's square (as the model was trained), and its dHash. */
  async screenImage(buf: Buffer): Promise<ImageScreening> {
    const { mime } = await this.header(buf);
    const rgb = await this.decoding('cannot screen image', () =>
      this.image(buf, mime).autoOrient().removeAlpha().resize(NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, { fit: 'fill' }).raw().toBuffer(),
    );
    const [nsfw, phash] = await Promise.all([this.nsfw.scores(rgb), this.perceptualHash(buf)]);
    return { nsfw, phash };
  }

  async cropImage(buf: Buffer, rect: { left: number; top: number; width: number; height: number }) {
    // The header's size is after auto-orientation, as is an extract that follows autoOrient: one decode.
    const { mime, width: w, height: h } = await this.header(buf);
    const ok = [rect.left, rect.top, rect.width, rect.height].every(Number.isInteger) && rect.left >= 0 && rect.top >= 0 && rect.width >= 1 && rect.height >= 1;
    if (!ok || rect.left + rect.width > w || rect.top + rect.height > h) throw new RangeError(`the crop ${rect.width}x${rect.height} at (${rect.left}, ${rect.top}) is not inside the ${w}x${h} image`);
    return this.decoding('cannot crop image', async () => {
      const { data, info } = await this.image(buf, mime).autoOrient().extract(rect).png().toBuffer({ resolveWithObject: true });
      return { png: data, width: info.width, height: info.height };
    });
  }

  async thumbnail(buf: Buffer, width: number) {
    if (!Number.isInteger(width) || width < 1 || width > this.maxOutputSize) throw new RangeError(`width must be 1..${this.maxOutputSize}, got ${width}`);
    const { mime } = await this.header(buf);
    return this.decoding('cannot make a thumbnail', async () => {
      const { data, info } = await this.image(buf, mime).autoOrient().resize({ width }).jpeg({ quality: 82 }).toBuffer({ resolveWithObject: true });
      return { jpeg: data, width: info.width, height: info.height };
    });
  }

  async posterFrame(mp4: Buffer, width: number) {
    if (!Number.isInteger(width) || width < 2 || width > this.maxOutputSize) throw new RangeError(`width must be 2..${this.maxOutputSize}, got ${width}`);
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'in.mp4');
      const output = path.join(dir, 'poster.jpg');
      await writeFile(input, mp4);
      const grab = (seekSec: number) =>
        this.ffmpegOnInput('cannot read a frame', ['-y', '-ss', String(seekSec), '-i', input, '-frames:v', '1', '-vf', `scale=${even(width)}:-2`, '-q:v', '3', output]);
      // 0.1 s in skips a black or fading first frame; a shorter video gives its first frame instead.
      await grab(0.1);
      if (!(await exists(output))) await grab(0);
      if (!(await exists(output))) throw new InvalidMediaError('video has no frames');
      return this.jpegFacts(await readFile(output));
    });
  }

  async assemble(clips: AssembleClip[], audio: Buffer, opts: AssembleOptions = {}): Promise<AssembledVideo> {
    if (clips.length === 0) throw new InvalidMediaError('nothing to assemble');
    const posterWidth = opts.posterWidth;
    if (posterWidth !== undefined && (!Number.isInteger(posterWidth) || posterWidth < 2 || posterWidth > this.maxOutputSize)) {
      throw new RangeError(`posterWidth must be 2..${this.maxOutputSize}, got ${posterWidth}`);
    }
    // Each probe is an ffmpeg run of its own: skipped for the clips whose facts the caller knows.
    const facts = await Promise.all(clips.map(async (c) => c.facts ?? toFacts(await this.probeVideo(c.mp4))));
    const first = facts[0]!;
    const width = even(first.width);
    const height = even(first.height);
    // The first clip's frame rate, as an editor's timeline takes it: no frames made up for clips
    // of a lower rate (a 15 fps clip at 25 fps is 40% more frames to encode, none of them new).
    const fps = first.fps && first.fps >= MIN_ASSEMBLE_FPS && first.fps <= MAX_ASSEMBLE_FPS ? first.fps : this.fps;
    const { graph, durationSec } = assembleFilterGraph(facts, { width, height, fps, clipGain: opts.clipGain ?? this.clipGain, bedGain: opts.bedGain ?? this.bedGain });
    return withTempDir(async (dir) => {
      const inputs: string[] = [];
      for (const [i, clip] of clips.entries()) {
        const file = path.join(dir, `clip_${i}.mp4`);
        await writeFile(file, clip.mp4);
        inputs.push('-i', file);
      }
      const bedFile = path.join(dir, 'bed.audio');
      await writeFile(bedFile, audio);
      const cues = opts.subtitles?.filter((c) => c.end > c.start && c.text.trim()) ?? [];
      const subtitleFile = path.join(dir, 'subtitles.srt');
      if (cues.length) await writeFile(subtitleFile, srtOf(cues), 'utf8');
      // The subtitle file is the input after the clips and the bed.
      const subtitleArgs = cues.length
        ? ['-map', `${clips.length + 1}:s`, '-c:s', 'mov_text', '-metadata:s:s:0', `language=${opts.subtitleLanguage ?? 'und'}`]
        : [];
      const output = path.join(dir, 'final.mp4');
      const posterFile = path.join(dir, 'poster.jpg');
      // The poster comes from the same decode as the video: a second output, not a second run; one
      // frame 0.1 s in goes down that branch (the second trim), the rest is dropped before scaling.
      const posterGraph = posterWidth
        ? `;[v]split=2[vout][vp];[vp]trim=start=0.1,setpts=PTS-STARTPTS,trim=end_frame=1,scale=${even(posterWidth)}:-2[poster]`
        : '';
      await this.ffmpegOnInput('cannot assemble', [
        '-y', ...inputs, '-stream_loop', '-1', '-i', bedFile, ...(cues.length ? ['-i', subtitleFile] : []),
        '-filter_complex', graph + posterGraph, '-map', posterWidth ? '[vout]' : '[v]', '-map', '[a]', ...subtitleArgs,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
        // No mid/side stereo search: it is half the AAC encoder's time (ffmpeg encodes the sound on
        // its main thread, after each frame), and at 128 kb/s left/right coding loses nothing heard.
        '-c:a', 'aac', '-aac_ms', '0', '-b:a', '128k', '-t', durationSec.toFixed(3), '-movflags', '+faststart', output,
        ...(posterWidth ? ['-map', '[poster]', '-frames:v', '1', '-q:v', '3', posterFile] : []),
      ]);
      // The graph fixes the frame size and `-t` the length: no probe of the result needed.
      const mp4 = await readFile(output);
      if (!posterWidth) return { mp4, durationSec, width, height };
      // A result shorter than 0.1 s has no frame there: its first frame instead.
      const poster = (await exists(posterFile)) ? await this.jpegFacts(await readFile(posterFile)) : await this.posterFrame(mp4, posterWidth);
      return { mp4, durationSec, width, height, poster };
    });
  }

  async probeVideo(mp4: Buffer): Promise<VideoInfo> {
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'probe.mp4');
      await writeFile(input, mp4);
      const { stderr } = await this.ffmpeg.run(['-i', input], { allowFailure: true });
      return parseProbe(stderr);
    });
  }

  async conformImage(buf: Buffer) {
    const { mime } = await this.header(buf);
    return this.decoding('cannot convert image', async () => {
      const { data, info } = await this.image(buf, mime).autoOrient().png().toBuffer({ resolveWithObject: true });
      return { png: data, width: info.width, height: info.height };
    });
  }

  async conformVideo(buf: Buffer) {
    const facts = await this.probeVideo(buf);
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'in.video');
      const output = path.join(dir, 'out.mp4');
      await writeFile(input, buf);
      // A silent source stands in for a missing track, so every video we keep has sound to mix.
      const sound = facts.audioCodec
        ? ['-map', '0:a:0']
        : ['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-map', '1:a', '-shortest'];
      const [extraInput, mapAudio] = facts.audioCodec ? [[], sound] : [sound.slice(0, 4), sound.slice(4)];
      await this.ffmpegOnInput('cannot convert video', [
        '-y', '-i', input, ...extraInput, '-map', '0:v:0', ...mapAudio,
        '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', output,
      ]);
      const mp4 = await readFile(output);
      return { mp4, durationSec: facts.durationSec, width: even2(facts.width), height: even2(facts.height), ...(facts.fps ? { fps: facts.fps } : {}) };
    });
  }

  async conformAudio(buf: Buffer) {
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'in.audio');
      const output = path.join(dir, 'out.wav');
      await writeFile(input, buf);
      await this.ffmpegOnInput('cannot convert audio', ['-y', '-i', input, '-vn', '-ac', '2', '-ar', '44100', '-c:a', 'pcm_s16le', output]);
      const wav = await readFile(output);
      // 16-bit stereo at 44.1 kHz: 176,400 bytes a second after the 44-byte header.
      const durationSec = Math.max(0, wav.length - 44) / 176_400;
      if (durationSec <= 0) throw new InvalidMediaError('audio has no samples');
      return { wav, durationSec };
    });
  }

  /** In this process, with no memory or time bound of its own: IsolatedMediaToolkit runs it in a child. */
  readPdf(buf: Buffer, limits: PdfLimits): Promise<PdfText> {
    return readPdfText(buf, limits);
  }

  private async jpegFacts(jpeg: Buffer) {
    const meta = await sharp(jpeg).metadata();
    return { jpeg, width: meta.width, height: meta.height };
  }

  /** The format's pixel cap is also sharp's own, a second guard should a header lie. */
  private image(buf: Buffer, mime: ImageMime) {
    return sharp(buf, { limitInputPixels: this.limits.maxMegapixels[mime] * 1_000_000, failOn: 'error' }).timeout({ seconds: this.timeoutSec });
  }

  /** Format, displayed size and the limits, from the magic bytes and the header alone (no decode). */
  private async header(buf: Buffer): Promise<ImageInfo> {
    const mime = await this.sniff(buf);
    const meta = await this.decoding('cannot read image header', () => sharp(buf, { limitInputPixels: false }).metadata());
    if (FORMATS[meta.format ?? ''] !== mime) throw new InvalidMediaError(`content is ${mime} but decodes as ${meta.format}`);
    const { width, height } = meta.autoOrient;
    const problem = imageLimitProblem(mime, width, height, this.limits);
    if (problem) throw new ImageOverLimitError(problem);
    return { mime, width, height };
  }

  /** Magic bytes first: only jpeg, png and webp reach a decoder (sharp would also render SVG, TIFF, GIF...). */
  private async sniff(buf: Buffer): Promise<ImageMime> {
    const type = await fileTypeFromBuffer(buf);
    const mime = Object.values(FORMATS).find((m) => m === type?.mime);
    if (!mime) throw new InvalidMediaError(type ? `${type.mime} is not jpeg, png or webp` : 'unrecognised file type');
    return mime;
  }

  private async decoding<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof InvalidMediaError) throw err;
      throw new InvalidMediaError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /**
   * ffmpeg refusing its input means the media is bad; killed over its time or memory limit, the input
   * costs too much (MediaLimitError); a missing binary is neither.
   */
  private async ffmpegOnInput(what: string, args: string[]) {
    try {
      return await this.ffmpeg.run(args);
    } catch (err) {
      if (err instanceof FfmpegError && (err.timedOut || err.overMemory)) throw new MediaLimitError(`${what}: ${err.message}`, { cause: err });
      if (err instanceof FfmpegError && err.stderr) throw new InvalidMediaError(`${what}: ${err.message}`, { cause: err });
      throw err;
    }
  }
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
/** What ffmpeg's trunc(x/2)*2 makes of a dimension. */
const even2 = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
const toFacts = (v: VideoInfo) => ({ durationSec: v.durationSec, width: v.width, height: v.height, hasAudio: v.audioCodec !== null, ...(v.fps ? { fps: v.fps } : {}) });
// The first clip's rate is kept within these; outside them (a slideshow, a high-speed capture) the default.
const MIN_ASSEMBLE_FPS = 10;
const MAX_ASSEMBLE_FPS = 60;
const exists = (file: string) => stat(file).then((s) => s.size > 0, () => false);
