import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidMediaError, PdfRejectedError, type PdfRejection } from '../../core/ports/media';
import { encryptedPdf, imageOnlyPdf, longPdf, longPdfPages, oversizedPdf, textPdf } from '../../testing/pdf-fixtures';
import { FfmpegRunner } from './ffmpeg-runner';
import { IsolatedMediaToolkit } from './isolated-toolkit';
import { SharpFfmpegToolkit } from './media-toolkit';
import { pageText, readPdfText } from './pdf-text';

const LIMITS = { maxPages: 100 };
const media = new SharpFfmpegToolkit({ ffmpeg: new FfmpegRunner('ffmpeg') });

/** The PdfRejectedError `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<PdfRejectedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PdfRejectedError);
  return err as PdfRejectedError;
}

async function expectRejected(promise: Promise<unknown>, reason: PdfRejection, message: RegExp) {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(InvalidMediaError);
  expect({ reason: err.reason, name: err.name }).toEqual({ reason, name: 'PdfRejectedError' });
  expect(err.message).toMatch(message);
}

describe('readPdf', () => {
  it('gives back Korean and English pages line by line, exactly as written', async () => {
    const pages = [
      ['Safety procedure for line 3', 'Check the guard before starting.'],
      ['작업 전 안전 점검', '장비 이상 징후 발견 시 즉시 중지한다.', '보호구를 착용한다 (안전모, 장갑).'],
      ['Mixed 한국어 and English: 10 kg, 3.5 m', 'Price (approx.) \\ 1,000 won', 'Café déjà vu — “quotes”'],
    ];
    const { pages: text } = await media.readPdf(textPdf(pages), LIMITS);
    expect(text).toEqual(pages.map((lines) => lines.join('\n')));
    expect(text[1]!.split('\n')[1]).toBe('장비 이상 징후 발견 시 즉시 중지한다.');
    // Syllables, composed (NFC), not jamo.
    expect(text[1]).toBe(text[1]!.normalize('NFC'));
    expect([...text[1]!].some((ch) => ch >= '\u1100' && ch <= '\u11ff')).toBe(false);
  });

  it('reads uncompressed content streams, other font sizes and cross-reference streams the same way', async () => {
    const pages = [['First page'], ['둘째 쪽', 'second line']];
    for (const opts of [{ compress: false, fontSize: 9 }, { xrefStream: true }]) {
      const { pages: text } = await media.readPdf(textPdf(pages, opts), LIMITS);
      expect(text).toEqual(['First page', '둘째 쪽\nsecond line']);
    }
  });

  it("gives '' for a page with no text among pages with text", async () => {
    const { pages } = await media.readPdf(textPdf([['Intro'], [], ['끝']]), LIMITS);
    expect(pages).toEqual(['Intro', '', '끝']);
  });

  it('reads a PDF padded with a large unused object, and oversizedPdf has the exact size', async () => {
    const pdf = oversizedPdf(2 * 1024 * 1024 + 1);
    expect(pdf.length).toBe(2 * 1024 * 1024 + 1);
    const { pages } = await media.readPdf(pdf, LIMITS);
    expect(pages).toEqual(['This PDF is padded to a large size.\n이 PDF는 크기를 키운 파일이다.']);
  });

  it('accepts %PDF- after some leading bytes, within the first 1024', async () => {
    const pdf = Buffer.concat([Buffer.alloc(500, 0x20), textPdf([['Offset header']])]);
    expect((await media.readPdf(pdf, LIMITS)).pages).toEqual(['Offset header']);
  });

  it('refuses what is not a PDF: not_pdf', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).png().toBuffer();
    const notPdf = /^The file is not a PDF \(it does not start with %PDF-\)/;
    await expectRejected(media.readPdf(png, LIMITS), 'not_pdf', notPdf);
    await expectRejected(media.readPdf(Buffer.from('장비 점검표\nline two\n'), LIMITS), 'not_pdf', notPdf);
    await expectRejected(media.readPdf(Buffer.alloc(0), LIMITS), 'not_pdf', notPdf);
    // A header past the first 1024 bytes does not count.
    await expectRejected(media.readPdf(Buffer.concat([Buffer.alloc(1024, 0x20), textPdf([['late']])]), LIMITS), 'not_pdf', notPdf);
  });

  it('refuses an encrypted PDF, with or without a user password: encrypted', async () => {
    const message = /^The PDF is password-protected \(encrypted\): upload a copy without a password/;
    await expectRejected(media.readPdf(encryptedPdf({ userPassword: 'secret' }), LIMITS), 'encrypted', message);
    // Opens with the empty user password (owner password only): still refused.
    await expectRejected(media.readPdf(encryptedPdf({ userPassword: '' }), LIMITS), 'encrypted', message);
    // The /Encrypt entry in a cross-reference stream's dictionary rather than a trailer.
    await expectRejected(media.readPdf(encryptedPdf({ userPassword: '', xrefStream: true }), LIMITS), 'encrypted', message);
    await expectRejected(media.readPdf(encryptedPdf({ userPassword: 'secret', xrefStream: true }), LIMITS), 'encrypted', message);
    // A security handler pdf.js does not know (same length, so the xref offsets hold).
    const unknownHandler = Buffer.from(encryptedPdf({ userPassword: '' }).toString('latin1').replace('/Filter /Standard', '/Filter /PubSecXY'), 'latin1');
    await expectRejected(media.readPdf(unknownHandler, LIMITS), 'encrypted', message);
  });

  it('refuses more pages than the limit before reading them: too_many_pages; exactly the limit is read', async () => {
    await expectRejected(media.readPdf(longPdf(101), LIMITS), 'too_many_pages', /^The PDF has 101 pages; at most 100 are read: split it/);
    const { pages } = await media.readPdf(longPdf(100), LIMITS);
    expect(pages).toHaveLength(100);
    expect(pages).toEqual(longPdfPages(100).map((lines) => lines.join('\n')));
  });

  it('refuses an image-only PDF: no_text', async () => {
    const message = /^The PDF has no extractable text \(it looks scanned or image-only\): upload a PDF with a text layer, or paste the text/;
    await expectRejected(media.readPdf(imageOnlyPdf(), LIMITS), 'no_text', message);
    await expectRejected(media.readPdf(imageOnlyPdf({ pages: 3 }), LIMITS), 'no_text', message);
    // Pages with only punctuation or spaces have no text either.
    await expectRejected(media.readPdf(textPdf([['...', ' - '], []]), LIMITS), 'no_text', message);
  });

  it('refuses a damaged PDF: unreadable', async () => {
    const message = /^The PDF cannot be read; it may be damaged or incomplete.*: export or save it again as PDF/;
    const whole = textPdf([['First page'], ['Second page']]);
    await expectRejected(media.readPdf(whole.subarray(0, 200), LIMITS), 'unreadable', message);
    await expectRejected(media.readPdf(Buffer.from('%PDF-1.7\n% nothing else\n'), LIMITS), 'unreadable', message);
    await expectRejected(media.readPdf(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 0xab)]), LIMITS), 'unreadable', message);
  });

  it('refuses a nonsensical page limit', async () => {
    await expect(readPdfText(textPdf([['x']]), { maxPages: 0 })).rejects.toThrow(RangeError);
  });
});

describe('pageText', () => {
  const item = (str: string, x: number, y: number, width: number, hasEOL = false) => ({ str, transform: [10, 0, 0, 10, x, y], width, hasEOL });

  it('joins items on a line with a space only where the gap shows one', () => {
    expect(pageText([item('Hello', 0, 100, 25), item('world', 30, 100, 25)])).toBe('Hello world');
    expect(pageText([item('Hel', 0, 100, 15), item('lo', 15.5, 100, 10)])).toBe('Hello');
    expect(pageText([item('Hello ', 0, 100, 30), item('world', 40, 100, 25)])).toBe('Hello world');
  });

  it('breaks lines at hasEOL, normalises to NFC, collapses spaces and trims lines', () => {
    const jamo = '\u1112\u1161\u11ab'; // 한 as conjoining jamo
    expect(pageText([item(`  ${jamo}  \t글 `, 0, 100, 50, true), { type: 'beginMarkedContent' }, item('', 0, 90, 0, true), item('next\u0000  line', 0, 80, 40)])).toBe(
      '한 글\n\nnext line',
    );
    expect(pageText([item(' ', 0, 100, 5, true), item('x', 0, 90, 5, true)])).toBe('x');
    expect(pageText([])).toBe('');
  });
});

describe('readPdf in IsolatedMediaToolkit', () => {
  const isolated = new IsolatedMediaToolkit({ video: media, workers: 1 });
  afterAll(() => isolated.close());

  it('reads the text in its worker and gives back a rejection with its reason', async () => {
    expect(await isolated.readPdf(textPdf([['English page'], ['한국어 쪽']]), LIMITS)).toEqual({ pages: ['English page', '한국어 쪽'] });
    await expectRejected(isolated.readPdf(encryptedPdf({ userPassword: '' }), LIMITS), 'encrypted', /password-protected/);
    await expectRejected(isolated.readPdf(longPdf(3), { maxPages: 2 }), 'too_many_pages', /^The PDF has 3 pages; at most 2 are read/);
    await expectRejected(isolated.readPdf(imageOnlyPdf(), LIMITS), 'no_text', /no extractable text/);
    await expectRejected(isolated.readPdf(Buffer.from('not a pdf'), LIMITS), 'not_pdf', /not a PDF/);
  });
});
