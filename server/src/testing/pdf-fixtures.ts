/**
 * Real PDF files built in memory, for tests, benchmarks and browser tests of PDF uploads.
 *
 * Every builder returns the bytes of a complete, valid PDF (header, objects, a classic xref table
 * and trailer, or a cross-reference stream) that pdf.js and other readers open; nothing is read from disk and no system font is
 * needed. Building is cheap: a 100-page text PDF takes a few milliseconds.
 *
 * Text is written so that a reader recovers exactly the lines given:
 * - a line of printable ASCII is shown with the standard Helvetica font (WinAnsiEncoding), as most
 *   English PDFs do;
 * - any other line (Korean, accented letters, symbols...) is shown with one composite font per
 *   document (Type0, Identity-H, a CID per distinct character) that is not embedded but carries a
 *   ToUnicode CMap mapping each CID back to its character: the way text-extraction tools read
 *   CJK PDFs. Readers draw it with a substitute font; the text layer is exact.
 * Each line is one text-showing operation at its own baseline, 1.4 x the font size below the one
 * before. Empty lines move the baseline on but show nothing, so readers do not report them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

export interface TextPdfOptions {
  /** Font size in points (default 12). */
  fontSize?: number;
  /** Deflate the page content streams (FlateDecode), as real writers do (default true). */
  compress?: boolean;
  /**
   * End the file with a cross-reference stream (PDF 1.5, what most writers make today), whose
   * dictionary is the trailer, instead of a classic xref table and `trailer` (default false).
   */
  xrefStream?: boolean;
}

/**
 * A text PDF: one page per entry of `pages`, each entry the lines of that page (Korean and/or
 * English, any Unicode). A page given no lines (`[]`) is blank: it has no text at all, like a
 * page that is only a picture. `textPdf([['Title', '첫 줄'], [], ['Last page']])` has 3 pages.
 * A reader's page text (MediaToolkit.readPdf) is the lines of that page joined with '\n'.
 */
export function textPdf(pages: string[][], opts: TextPdfOptions = {}): Buffer {
  return buildDocument(pages, opts, {});
}

/** `n` pages of English text (at least 1), page i saying `Page i of n` and two more lines: for page-count limits. */
export function longPdf(n: number, opts: TextPdfOptions = {}): Buffer {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`longPdf needs at least 1 page, got ${n}`);
  return textPdf(longPdfPages(n), opts);
}

/** The lines `longPdf(n)` writes, page by page: what a reader gives back. */
export function longPdfPages(n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [`Page ${i + 1} of ${n}`, `Safety check ${i + 1}: stop the machine before cleaning.`, '점검 완료.']);
}

/**
 * A PDF whose pages hold only a picture (a grey gradient, 64 x 64 px, drawn 300 pt wide) and no
 * text at all: what an image-only scan looks like to a text reader, which must refuse it as
 * having no text.
 */
export function imageOnlyPdf(opts: { pages?: number } = {}): Buffer {
  const pageCount = opts.pages ?? 1;
  if (!Number.isInteger(pageCount) || pageCount < 1) throw new RangeError(`imageOnlyPdf needs at least 1 page, got ${pageCount}`);
  return buildDocument(Array.from({ length: pageCount }, () => []), { compress: true }, { image: true });
}

export interface EncryptedPdfOptions {
  /**
   * The password needed to open the file. Non-empty: a reader asks for it (pdf.js throws a
   * PasswordException). Empty (''): the file opens without one and only the owner password
   * protects its permissions; it is still encrypted (an /Encrypt dictionary, RC4 strings and streams).
   */
  userPassword: string;
  /** The owner (permissions) password (default 'owner-secret'). */
  ownerPassword?: string;
  /** The text, as for textPdf (default one page, two lines). */
  pages?: string[][];
  /** As for textPdf: the /Encrypt entry is then in the cross-reference stream's dictionary. */
  xrefStream?: boolean;
}

/**
 * A text PDF encrypted with the Standard security handler, revision 3 (RC4, 128-bit key, /V 2),
 * /O and /U computed as the PDF specification says (ISO 32000-1, 7.6.3, algorithms 2, 3 and 5).
 * Both variants (with a user password, and owner-password-only) must be refused by a reader that
 * takes no encrypted PDFs.
 */
export function encryptedPdf(opts: EncryptedPdfOptions): Buffer {
  const pages = opts.pages ?? [['Confidential procedure', '기밀 절차서']];
  return buildDocument(pages, { compress: true, xrefStream: opts.xrefStream }, { encrypt: { user: opts.userPassword, owner: opts.ownerPassword ?? 'owner-secret' } });
}

/**
 * A valid one-page text PDF of exactly `bytes` bytes, padded with a large unused stream object:
 * for a caller's upload size check (pass the limit + 1). At least 4 KB.
 */
export function oversizedPdf(bytes: number): Buffer {
  const MIN = 4096;
  if (!Number.isInteger(bytes) || bytes < MIN) throw new RangeError(`oversizedPdf needs at least ${MIN} bytes, got ${bytes}`);
  const pages = [['This PDF is padded to a large size.', '이 PDF는 크기를 키운 파일이다.']];
  // The padding stream's /Length has as many digits as the padding, so two passes give the exact size.
  let padding = bytes - buildDocument(pages, {}, { padding: 0 }).length;
  for (let pass = 0; pass < 3; pass++) {
    const out = buildDocument(pages, {}, { padding });
    if (out.length === bytes) return out;
    padding += bytes - out.length;
  }
  throw new Error(`oversizedPdf could not reach exactly ${bytes} bytes`);
}

// ---------------------------------------------------------------------------------------------
// The writer.

interface Extras {
  image?: boolean;
  encrypt?: { user: string; owner: string };
  /** Bytes of an unreferenced stream object added to the file. */
  padding?: number;
}

/** An object's text; `str` writes a PDF string (encrypted with the object's key in an encrypted file). */
type ObjectBody = (str: (s: string) => string) => string;

interface PdfObject {
  body: ObjectBody;
  /** Stream data, written after the body (a dictionary, whose /Length is added). */
  stream?: Buffer;
}

const ASCII_LINE = /^[\x20-\x7e]*$/;
const PAGE_WIDTH = 595;
const MIN_PAGE_HEIGHT = 842;
const MARGIN = 72;

function buildDocument(pages: string[][], opts: TextPdfOptions, extras: Extras): Buffer {
  if (pages.length < 1) throw new RangeError('a PDF needs at least 1 page');
  const fontSize = opts.fontSize ?? 12;
  const compress = opts.compress ?? true;
  const leading = fontSize * 1.4;
  const objects: PdfObject[] = [];
  const reserve = () => objects.push({ body: () => 'null' });
  const set = (num: number, obj: PdfObject) => {
    objects[num - 1] = obj;
  };
  const add = (obj: PdfObject) => objects.push(obj);

  const catalog = reserve();
  const pageTree = reserve();

  // One CID per distinct character of the non-ASCII lines, in order of first use.
  const cids = new Map<string, number>();
  for (const lines of pages) {
    for (const line of lines) {
      if (ASCII_LINE.test(line)) continue;
      for (const ch of line) if (!cids.has(ch)) cids.set(ch, cids.size + 1);
    }
  }
  const helvetica = add({ body: () => '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>' });
  const composite = cids.size > 0 ? addCompositeFont(add, cids, compress) : 0;
  const image = extras.image ? add({ body: () => '<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>', stream: deflateSync(gradient(64)) }) : 0;

  const kids: number[] = [];
  for (const lines of pages) {
    const height = Math.max(MIN_PAGE_HEIGHT, Math.ceil(2 * MARGIN + lines.length * leading));
    const ops: string[] = [];
    if (image) ops.push(`q 300 0 0 300 ${(PAGE_WIDTH - 300) / 2} ${height - MARGIN - 300} cm /Im1 Do Q`);
    if (lines.length > 0) {
      ops.push('BT', `${fmt(leading)} TL`, `${MARGIN} ${fmt(height - MARGIN - fontSize)} Td`);
      let font = '';
      lines.forEach((line, i) => {
        if (i > 0) ops.push('T*');
        if (line === '') return;
        const ascii = ASCII_LINE.test(line);
        const want = ascii ? 'F1' : 'F2';
        if (font !== want) ops.push(`/${want} ${fmt(fontSize)} Tf`);
        font = want;
        ops.push(ascii ? `(${line.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj` : `<${[...line].map((ch) => hex4(cids.get(ch)!)).join('')}> Tj`);
      });
      ops.push('ET');
    }
    const content = Buffer.from(`${ops.join('\n')}\n`, 'latin1');
    const contentObj = add({ body: () => (compress ? '<< /Filter /FlateDecode >>' : '<< >>'), stream: compress ? deflateSync(content) : content });
    const fonts = `/F1 ${helvetica} 0 R${composite ? ` /F2 ${composite} 0 R` : ''}`;
    const xobjects = image ? ` /XObject << /Im1 ${image} 0 R >>` : '';
    kids.push(add({ body: () => `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${height}] /Resources << /Font << ${fonts} >>${xobjects} >> /Contents ${contentObj} 0 R >>` }));
  }
  set(pageTree, { body: () => `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>` });
  set(catalog, { body: () => `<< /Type /Catalog /Pages ${pageTree} 0 R >>` });
  add({ body: (str) => `<< /Producer ${str('mediaforge pdf-fixtures')} >>` });
  const info = objects.length;
  if (extras.padding !== undefined) add({ body: () => '<< >>', stream: Buffer.alloc(extras.padding, 0x20) });

  const id = randomBytes(16);
  let security: Security | null = null;
  let encryptObj = 0;
  if (extras.encrypt) {
    security = standardSecurity(extras.encrypt.user, extras.encrypt.owner, id);
    const { O, U, P } = security;
    // The encryption dictionary's own strings are never encrypted.
    encryptObj = add({ body: () => `<< /Filter /Standard /V 2 /R 3 /Length 128 /P ${P} /O <${O.toString('hex')}> /U <${U.toString('hex')}> >>` });
  }
  return serialize(objects, {
    xrefStream: opts.xrefStream ?? false,
    trailer: `/Root ${catalog} 0 R /Info ${info} 0 R${encryptObj ? ` /Encrypt ${encryptObj} 0 R` : ''} /ID [<${id.toString('hex')}> <${id.toString('hex')}>]`,
    security,
    encryptObj,
  });
}

/** The Type0 font (Identity-H) over a non-embedded CIDFontType2, with its ToUnicode CMap. */
function addCompositeFont(add: (obj: PdfObject) => number, cids: Map<string, number>, compress: boolean): number {
  const chars = [...cids.keys()];
  const widths = chars.map((ch) => (ch === ' ' ? 280 : ch.codePointAt(0)! < 0x1100 ? 560 : 1000));
  const descriptor = add({
    body: () => '<< /Type /FontDescriptor /FontName /MediaforgeSans /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
  });
  const cidFont = add({
    body: (str) =>
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /MediaforgeSans /CIDSystemInfo << /Registry ${str('Adobe')} /Ordering ${str('Identity')} /Supplement 0 >> ` +
      `/FontDescriptor ${descriptor} 0 R /CIDToGIDMap /Identity /DW 1000 /W [1 [${widths.join(' ')}]] >>`,
  });
  const cmap = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  // bfchar blocks hold at most 100 entries each.
  for (let i = 0; i < chars.length; i += 100) {
    const block = chars.slice(i, i + 100);
    cmap.push(`${block.length} beginbfchar`);
    block.forEach((ch, j) => cmap.push(`<${hex4(i + j + 1)}> <${Buffer.from(ch, 'utf16le').swap16().toString('hex')}>`));
    cmap.push('endbfchar');
  }
  cmap.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  const cmapData = Buffer.from(`${cmap.join('\n')}\n`, 'latin1');
  const toUnicode = add({ body: () => (compress ? '<< /Filter /FlateDecode >>' : '<< >>'), stream: compress ? deflateSync(cmapData) : cmapData });
  return add({ body: () => `<< /Type /Font /Subtype /Type0 /BaseFont /MediaforgeSans /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>` });
}

function serialize(objects: PdfObject[], opts: { trailer: string; xrefStream: boolean; security: Security | null; encryptObj: number }): Buffer {
  const chunks: Buffer[] = [];
  let length = 0;
  const write = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    chunks.push(buf);
    length += buf.length;
  };
  // The binary comment line tells transfer tools the file is binary.
  write(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    const num = i + 1;
    offsets.push(length);
    const key = opts.security && num !== opts.encryptObj ? opts.security.objectKey(num) : null;
    const str = (s: string) => {
      const bytes = Buffer.from(s, 'latin1');
      return `<${(key ? rc4(key, bytes) : bytes).toString('hex')}>`;
    };
    let body = obj.body(str);
    if (obj.stream) {
      const data = key ? rc4(key, obj.stream) : obj.stream;
      body = `${body.replace(/>>\s*$/, '')} /Length ${data.length} >>`;
      write(`${num} 0 obj\n${body}\nstream\n`);
      write(data);
      write('\nendstream\nendobj\n');
    } else {
      write(`${num} 0 obj\n${body}\nendobj\n`);
    }
  });
  const xref = length;
  if (opts.xrefStream) {
    // Rows of type (1 byte), offset (4) and generation (2); the stream itself is the last object
    // (never encrypted, as the specification requires).
    const num = objects.length + 1;
    const rows = Buffer.alloc(7 * (num + 1));
    rows.writeUInt16BE(0xffff, 5);
    [...offsets, xref].forEach((offset, i) => {
      rows.writeUInt8(1, 7 * (i + 1));
      rows.writeUInt32BE(offset, 7 * (i + 1) + 1);
    });
    const data = deflateSync(rows);
    write(`${num} 0 obj\n<< /Type /XRef /Size ${num + 1} /W [1 4 2] /Filter /FlateDecode ${opts.trailer} /Length ${data.length} >>\nstream\n`);
    write(data);
    write(`\nendstream\nendobj\nstartxref\n${xref}\n%%EOF\n`);
  } else {
    const rows = ['xref', `0 ${objects.length + 1}`, '0000000000 65535 f ', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `)];
    write(`${rows.join('\n')}\n`);
    write(`trailer\n<< /Size ${objects.length + 1} ${opts.trailer} >>\nstartxref\n${xref}\n%%EOF\n`);
  }
  return Buffer.concat(chunks, length);
}

// ---------------------------------------------------------------------------------------------
// The Standard security handler, revision 3 (ISO 32000-1, 7.6.3).

interface Security {
  O: Buffer;
  U: Buffer;
  P: number;
  objectKey(num: number): Buffer;
}

const PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const KEY_BYTES = 16;

function standardSecurity(user: string, owner: string, id: Buffer): Security {
  // Printing and copying refused: what an owner password usually protects.
  const P = -3904;
  // Algorithm 3: the owner entry, the padded user password encrypted with a key from the owner password.
  let h = md5(padPassword(owner || user));
  for (let i = 0; i < 50; i++) h = md5(h);
  const ownerKey = h.subarray(0, KEY_BYTES);
  let O = rc4(ownerKey, padPassword(user));
  for (let i = 1; i <= 19; i++) O = rc4(xorKey(ownerKey, i), O);
  // Algorithm 2: the file key, from the user password.
  const p = Buffer.alloc(4);
  p.writeInt32LE(P);
  h = md5(Buffer.concat([padPassword(user), O, p, id]));
  for (let i = 0; i < 50; i++) h = md5(h.subarray(0, KEY_BYTES));
  const key = h.subarray(0, KEY_BYTES);
  // Algorithm 5: the user entry, which lets a reader check a password.
  let U = rc4(key, md5(Buffer.concat([PASSWORD_PAD, id])));
  for (let i = 1; i <= 19; i++) U = rc4(xorKey(key, i), U);
  U = Buffer.concat([U, Buffer.alloc(16)]);
  return {
    O,
    U,
    P,
    // Algorithm 1: each object's key, from the file key and the object number (generation 0).
    objectKey: (num) => md5(Buffer.concat([key, Buffer.from([num & 0xff, (num >> 8) & 0xff, (num >> 16) & 0xff, 0, 0])])).subarray(0, Math.min(KEY_BYTES + 5, 16)),
  };
}

function padPassword(password: string): Buffer {
  const bytes = Buffer.from(password, 'latin1').subarray(0, 32);
  return Buffer.concat([bytes, PASSWORD_PAD.subarray(0, 32 - bytes.length)]);
}

const xorKey = (key: Buffer, i: number) => Buffer.from(key.map((b) => b ^ i));
const md5 = (data: Buffer) => createHash('md5').update(data).digest();

/** RC4 (OpenSSL 3 ships it only in its legacy provider, so it is written out here). */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
const fmt = (n: number) => String(Math.round(n * 100) / 100);

function gradient(size: number): Buffer {
  const px = Buffer.alloc(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) px[y * size + x] = Math.round(((x + y) / (2 * size - 2)) * 255);
  return px;
}
