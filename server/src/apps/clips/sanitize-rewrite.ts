import { matchingView, type ViewSpan } from '../../core/text/matching-view';

/** Cleans a person's life-story text before it is stored or reaches a model (seed 000 `sanitizeRewriteInput`). */
export const REWRITE_MAX_CHARS = 2000;

export interface SanitizedRewrite {
  sanitizedText: string;
  removed: { emails: number; phones: number; residentNumbers: number; injections: number };
  truncated: boolean;
}

// The patterns run on the matching view (compatibility forms folded, invisible characters and marks
// dropped, every decimal digit ASCII), so "０１０－１２３４－５６７８" and "ig\u2060nore" are caught too.
// Dashes NFKC leaves alone (‐ ‒ – — ― −) still separate digit groups.
const DASH = '\\-\\u2010-\\u2015\\u2212';
// The local part starts where no local-part character precedes it: a long run without an @ is then
// scanned once, not once per starting position (that was quadratic: 20,000 letters took 1.4 s).
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Korean resident registration number: YYMMDD-NNNNNNN (hyphen optional).
const RESIDENT_NUMBER = new RegExp(`\\b\\d{6}\\s*[${DASH}]?\\s*[1-8]\\d{6}\\b`, 'g');
// Phone numbers: Korean mobile/landline and international forms with 9+ digits.
const PHONE = new RegExp(`(?:\\+?\\d{1,3}[\\s.${DASH}]?)?(?:\\(?0?\\d{1,3}\\)?[\\s.${DASH}]?)\\d{3,4}[\\s.${DASH}]?\\d{4}\\b`, 'g');
// Words may run together once a zero-width character took the place of a space ("ignore\u200Bprevious").
const INJECTION = [
  /ignore\s*(?:all\s*)?(?:the\s*)?(?:previous|prior|above)\s*(?:instructions?|prompts?|rules?)/gi,
  /disregard\s*(?:all\s*)?(?:the\s*)?(?:previous|prior|above|system)\s+\w+/gi,
  /(?:you\s+are\s+now|act\s+as|pretend\s+to\s+be)\s+(?:an?\s+)?(?:unfiltered|jailbroken|dan|developer\s*mode)\b/gi,
  /\b(?:system|assistant|developer)\s*(?:prompt|message)?\s*:/gi,
  /<\/?\s*(?:system|assistant|instructions?)\s*>/gi,
  /이전\s*(?:의\s*)?(?:모든\s*)?(?:지시|명령|지침|프롬프트)(?:을|를|은|는)?\s*(?:무시|잊어)/g,
  /시스템\s*프롬프트/g,
];

type Removed = SanitizedRewrite['removed'];
const RULES: { kind: keyof Removed; label: string; patterns: RegExp[] }[] = [
  { kind: 'emails', label: '[이메일 삭제]', patterns: [EMAIL] },
  { kind: 'residentNumbers', label: '[주민번호 삭제]', patterns: [RESIDENT_NUMBER] },
  { kind: 'phones', label: '[전화번호 삭제]', patterns: [PHONE] },
  { kind: 'injections', label: '[지시문 삭제]', patterns: INJECTION },
];

/**
 * Finds e-mail addresses, phone and resident numbers and prompt-injection phrases on a normalised
 * view of `raw` (see `matchingView`), replaces the original characters they came from by a label,
 * drops invisible characters outside emoji sequences, and caps the result at `maxChars` code points.
 */
export function sanitizeRewrite(raw: string, maxChars = REWRITE_MAX_CHARS): SanitizedRewrite {
  const text = matchingView(raw.normalize('NFC'));
  const removed: Removed = { emails: 0, phones: 0, residentNumbers: 0, injections: 0 };
  const spans: ViewSpan[] = [];
  let view = text.view;
  for (const rule of RULES) {
    for (const re of rule.patterns) {
      for (const m of view.matchAll(re)) {
        removed[rule.kind]++;
        spans.push({ start: m.index!, end: m.index! + m[0].length, label: rule.label });
      }
      // Blank what was found (same length, matched by no pattern) so a later rule cannot take it again.
      view = view.replace(re, (found) => '\0'.repeat(found.length));
    }
  }
  let sanitizedText = text.rewrite(spans).replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
  const chars = [...sanitizedText];
  const truncated = chars.length > maxChars;
  if (truncated) sanitizedText = chars.slice(0, maxChars).join('');
  return { sanitizedText, removed, truncated };
}
