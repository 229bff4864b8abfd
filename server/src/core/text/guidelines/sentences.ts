/**
 * Sentences of a page of guidelines (seed 002 section 3: keyword_evidence cites "the sentence that
 * holds the keyword"). Guidelines are often lists without periods, so a line break ends a sentence,
 * and a list bullet (-, •, ·, 1., 1), (1), ①, 가., ○, ▶, ※...) starts one; inside what is left,
 * Intl.Segmenter's sentence rules (UAX #29) split at . ! ? and their kin.
 */

export interface Sentence {
  /** UTF-16 offset of the sentence's first character in the page text. */
  start: number;
  /** UTF-16 offset just past its last character: text === pageText.slice(start, end). */
  end: number;
  /** The sentence, trimmed, without the bullet that introduced it. */
  text: string;
}

/** A sentence with the index of the line (of the page) it sits on. */
export interface LineSentence extends Sentence {
  line: number;
}

const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/gu;

const SYMBOL_BULLETS = '•◦○●◎◇◆□■▪▫▶▷►▸※✓✔☐☑★☆❍➢➤→‣⁃∙·';
/** Bullets at the start of a line or piece, several in a row ("1. ① ..."), and the spaces after them. */
const LEAD_BULLET = new RegExp(
  '^(?:\\s*(?:' +
    [
      `[${SYMBOL_BULLETS}]`,
      '[\u2460-\u2473\u2474-\u2487\u2488-\u249b\u3260-\u326d\u3200-\u320d]', // ①-⑳ ⑴-⒇ ⒈-⒛ ㉠-㉭ ㈀-㈍
      '[-\u2013\u2014*+>](?=\\s)',
      '\\(?\\d{1,3}[.)](?!\\d)',
      '\\(\\d{1,3}\\)',
      '\\(?[가-힣][.)](?=\\s)',
      '\\(?[A-Za-z][.)](?=\\s)',
      '[\u2160-\u217f][.)]?(?=\\s)', // Ⅰ Ⅱ ⅰ ⅱ
    ].join('|') +
    '))+\\s*',
  'u',
);
/**
 * Where a bullet starts a new sentence in the middle of a line: a symbol bullet or a circled number
 * after a space; a middot between spaces; "2." or "(2)" after the end of a sentence ("...착용한다 2. 장비를").
 */
const MID_BULLET = new RegExp(
  [
    `(?<=\\s)[${SYMBOL_BULLETS.replace(/[·∙→]/gu, '')}\u2460-\u2473\u2474-\u2487\u3260-\u326d]`,
    '(?<=\\s)[·∙](?=\\s)',
    '(?<=[다요오것함음임.!?。)]\\s+)(?:\\d{1,2}[.)]|\\(\\d{1,2}\\))(?=\\s)',
  ].join('|'),
  'gu',
);
const TERMINATOR = /[.!?。！？…‼⁇⁈⁉]/u;
/** A piece whose only terminators close it ("...착용한다." or "Stop!"): one sentence, no need to segment. */
const ONE_SENTENCE = /^[^.!?。！？…‼⁇⁈⁉]*[.!?。！？…‼⁇⁈⁉]+["'”’)\]]*\s*$/u;
/** Characters that may start a bullet in the middle of a line (a cheap test before MID_BULLET). */
const MAY_HAVE_MID_BULLET = /[•◦○●◎◇◆□■▪▫▶▷►▸※✓✔☐☑★☆❍➢➤‣⁃·∙\u2460-\u2487\u3260-\u326d]|\d[.)]|\(\d/u;
const HAS_WORD = /[\p{L}\p{N}]/u;

const SEGMENTER = new Intl.Segmenter('en', { granularity: 'sentence' });
const LONG_PIECE = 1000;
const CUT_POINT = /[.!?。！？]+["'”’)\]]*\s+/gu;

/** Pushes text.slice(start, end), trimmed and without a leading bullet, when it holds a letter or digit. */
function pushTrimmed(out: LineSentence[], text: string, start: number, end: number, line: number): void {
  let piece = text.slice(start, end);
  const lead = LEAD_BULLET.exec(piece)?.[0].length ?? piece.length - piece.trimStart().length;
  const trail = piece.length - piece.trimEnd().length;
  if (lead + trail >= piece.length) return;
  piece = piece.slice(lead, piece.length - trail);
  if (!HAS_WORD.test(piece)) return;
  out.push({ start: start + lead, end: end - trail, text: piece, line });
}

/** Splits one piece (between line breaks and bullets) at sentence ends. Intl.Segmenter is only asked when a terminator is there. */
function splitPiece(out: LineSentence[], text: string, start: number, end: number, line: number): void {
  const piece = text.slice(start, end);
  if (!TERMINATOR.test(piece) || ONE_SENTENCE.test(piece)) {
    pushTrimmed(out, text, start, end, line);
    return;
  }
  // Intl.Segmenter slows down badly on long strings (1.6 s for one 100,000-character line), so a long
  // piece is first cut after a terminator and a space (where it would split anyway) into short chunks.
  let chunkStart = 0;
  if (piece.length > LONG_PIECE) {
    for (const m of piece.matchAll(CUT_POINT)) {
      const cut = m.index + m[0].length;
      if (cut - chunkStart < LONG_PIECE / 2) continue;
      segment(out, text, start + chunkStart, piece.slice(chunkStart, cut), line);
      chunkStart = cut;
    }
  }
  segment(out, text, start + chunkStart, piece.slice(chunkStart), line);
}

function segment(out: LineSentence[], text: string, start: number, chunk: string, line: number): void {
  for (const seg of SEGMENTER.segment(chunk)) pushTrimmed(out, text, start + seg.index, start + seg.index + seg.segment.length, line);
}

/** The sentences of a page with their line numbers (internal; sentencesOf is the public shape). */
export function splitSentences(text: string): LineSentence[] {
  const out: LineSentence[] = [];
  let lineStart = 0;
  let line = 0;
  const lineEnds = [...text.matchAll(LINE_BREAK)].map((m) => [m.index, m.index + m[0].length] as const);
  lineEnds.push([text.length, text.length]);
  for (const [lineEnd, next] of lineEnds) {
    const lineText = text.slice(lineStart, lineEnd);
    const lead = LEAD_BULLET.exec(lineText)?.[0].length ?? 0;
    let pieceStart = lineStart + lead;
    const rest = lineText.slice(lead);
    for (const m of MAY_HAVE_MID_BULLET.test(rest) ? rest.matchAll(MID_BULLET) : []) {
      const at = lineStart + lead + m.index;
      splitPiece(out, text, pieceStart, at, line);
      pieceStart = at;
    }
    splitPiece(out, text, pieceStart, lineEnd, line);
    lineStart = next;
    line++;
  }
  return out;
}

/**
 * The sentences of a page, in order: `start`/`end` are UTF-16 offsets into `text` (JavaScript string
 * indices) with `text.slice(start, end) === sentence.text`; the sentence is trimmed and its list bullet
 * left out. Line breaks (LF, CRLF, CR) and list bullets end a sentence as . ! ? do. Pieces without a
 * letter or digit are dropped. Seed 002 section 3: keyword_evidence[].sources[].text.
 */
export function sentencesOf(text: string): Sentence[] {
  return splitSentences(text).map(({ start, end, text: t }) => ({ start, end, text: t }));
}
