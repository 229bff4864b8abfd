/**
 * The text of an uploaded PDF, page by page, with pdf.js (unpdf's serverless build: no worker
 * thread, no canvas, no network). MediaToolkit.readPdf documents the shapes, the page-text rule and
 * the refusals; this file is their one implementation.
 */
import { PdfRejectedError, type PdfLimits, type PdfRejection, type PdfText } from '../../core/ports/media';

type PdfJs = typeof import('unpdf/pdfjs');
/** What pageText reads of pdf.js's getTextContent items (TextItem; marked-content items have no `str`). */
export type TextContentItem = { str: string; transform: number[]; width: number; hasEOL: boolean } | { type: string };

/** Where `%PDF-` may start: readers accept some bytes of junk before the header. */
export const PDF_HEADER_WINDOW = 1024;
/** A gap wider than this many font sizes between two items of one line was a space. */
export const SPACE_GAP_FACTOR = 0.15;

let pdfjsModule: Promise<PdfJs> | undefined;
/** pdf.js is loaded on the first PDF (about 0.2 s, ~1.6 MB of code), not with the toolkit. */
const loadPdfJs = () => (pdfjsModule ??= import('unpdf/pdfjs'));

const reject = (reason: PdfRejection, message: string) => new PdfRejectedError(reason, message);

export async function readPdfText(buf: Buffer, limits: PdfLimits): Promise<PdfText> {
  if (!Number.isInteger(limits.maxPages) || limits.maxPages < 1) throw new RangeError(`maxPages must be a positive integer, got ${limits.maxPages}`);
  if (!hasPdfHeader(buf)) {
    throw reject('not_pdf', 'The file is not a PDF (it does not start with %PDF-): upload the document as a PDF file.');
  }
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // A copy: pdf.js takes ownership of the bytes it is given.
    data: new Uint8Array(buf),
    // pdf.js's own logging off (font substitutions, missing standard font data): errors are thrown.
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    // Hostile input: no compiled PostScript functions, no system fonts, no font faces, no XFA.
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    enableXfa: false,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    if ((err as Error)?.name === 'PasswordException') throw encrypted();
    // pdf.js gives up on some encryption handlers it does not know: still an encrypted file.
    if (mentionsEncrypt(buf)) throw encrypted();
    throw unreadable(err);
  }
  try {
    // A file that opens with the empty user password is still encrypted: pdf.js reports the
    // handler it used (xref.encrypt) and the trailer's /Encrypt permissions (trailer or xref stream dictionary).
    const [meta, permissions] = await Promise.all([doc.getMetadata(), doc.getPermissions()]);
    const info = meta.info as { EncryptFilterName?: string | null };
    if (info.EncryptFilterName || permissions !== null) throw encrypted();
    if (doc.numPages > limits.maxPages) {
      throw reject('too_many_pages', `The PDF has ${doc.numPages} pages; at most ${limits.maxPages} are read: split it into parts of ${limits.maxPages} pages or fewer.`);
    }
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      pages.push(pageText(content.items as TextContentItem[]));
      page.cleanup();
    }
    if (!pages.some((text) => /[\p{L}\p{N}]/u.test(text))) {
      throw reject('no_text', 'The PDF has no extractable text (it looks scanned or image-only): upload a PDF with a text layer, or paste the text.');
    }
    return { pages };
  } catch (err) {
    // Anything pdf.js throws while reading (a RangeError from a deep or huge structure too) is the file's fault.
    if (err instanceof PdfRejectedError) throw err;
    throw unreadable(err);
  } finally {
    await doc.destroy().catch(() => {});
  }
}

function encrypted(): PdfRejectedError {
  return reject('encrypted', 'The PDF is password-protected (encrypted): upload a copy without a password or restrictions (for example, print it to a new PDF).');
}

function unreadable(err: unknown): PdfRejectedError {
  const why = err instanceof Error && err.message ? ` (${err.message.slice(0, 200)})` : '';
  return reject('unreadable', `The PDF cannot be read; it may be damaged or incomplete${why}: export or save it again as PDF and upload the new file.`);
}

/** `%PDF-` within the first PDF_HEADER_WINDOW bytes, as readers accept. */
export function hasPdfHeader(buf: Buffer): boolean {
  return buf.subarray(0, PDF_HEADER_WINDOW).includes('%PDF-', 0, 'latin1');
}

/** An `/Encrypt` key anywhere in the bytes (only asked of a file pdf.js could not open). */
function mentionsEncrypt(buf: Buffer): boolean {
  for (let at = buf.indexOf('/Encrypt'); at >= 0; at = buf.indexOf('/Encrypt', at + 1)) {
    // The key itself, not a longer name such as /EncryptMetadata.
    if (/[\s/<[(0-9]/.test(String.fromCharCode(buf[at + 8] ?? 0))) return true;
  }
  return false;
}

/**
 * One page's string from pdf.js text items (MediaToolkit.readPdf states the rule): the items in
 * order; '\n' after an item with hasEOL; one space between two items of a line when neither side
 * is whitespace and the gap along the baseline is over SPACE_GAP_FACTOR x the font size; then
 * NFC, control characters other than tab and newline dropped, runs of spaces and tabs made one
 * space, lines trimmed, blank lines at both ends dropped.
 */
export function pageText(items: readonly TextContentItem[]): string {
  let out = '';
  let prev: { str: string; transform: number[]; width: number } | null = null;
  for (const item of items) {
    if (!('str' in item)) continue;
    if (item.str !== '') {
      if (prev && !/\s$/.test(out) && !/^\s/.test(item.str) && gapIsSpace(prev, item)) out += ' ';
      out += item.str;
      prev = item;
    }
    if (item.hasEOL) {
      out += '\n';
      prev = null;
    }
  }
  return out
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[ \t]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** The gap from the end of `a` to the start of `b`, measured along `b`'s baseline, in font sizes. */
function gapIsSpace(a: { transform: number[]; width: number }, b: { transform: number[] }): boolean {
  const [bx0 = 1, by0 = 0, , , bx = 0, by = 0] = b.transform;
  const [, , , , ax = 0, ay = 0] = a.transform;
  const fontSize = Math.hypot(bx0, by0);
  if (!(fontSize > 0)) return false;
  const along = ((bx - ax) * bx0 + (by - ay) * by0) / fontSize;
  const gap = along - a.width;
  return gap > SPACE_GAP_FACTOR * fontSize;
}
