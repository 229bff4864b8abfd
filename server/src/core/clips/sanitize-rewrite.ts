/** Cleans a person's life-story text before it is stored or reaches a model (seed 000 `sanitizeRewriteInput`). */
export const REWRITE_MAX_CHARS = 2000;

export interface SanitizedRewrite {
  sanitizedText: string;
  removed: { emails: number; phones: number; residentNumbers: number; injections: number };
  truncated: boolean;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Korean resident registration number: YYMMDD-NNNNNNN (hyphen optional).
const RESIDENT_NUMBER = /\b\d{6}\s*-?\s*[1-8]\d{6}\b/g;
// Phone numbers: Korean mobile/landline and international forms with 9+ digits.
const PHONE = /(?:\+?\d{1,3}[\s.-]?)?(?:\(?0?\d{1,3}\)?[\s.-]?)\d{3,4}[\s.-]?\d{4}\b/g;
const INJECTION = [
  /ignore\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above)\s+(?:instructions?|prompts?|rules?)/gi,
  /disregard\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above|system)\s+\w+/gi,
  /(?:you\s+are\s+now|act\s+as|pretend\s+to\s+be)\s+(?:an?\s+)?(?:unfiltered|jailbroken|dan|developer\s+mode)\b/gi,
  /\b(?:system|assistant|developer)\s*(?:prompt|message)?\s*:/gi,
  /<\/?\s*(?:system|assistant|instructions?)\s*>/gi,
  /이전\s*(?:의\s*)?(?:모든\s*)?(?:지시|명령|지침|프롬프트)(?:을|를|은|는)?\s*(?:무시|잊어)/g,
  /시스템\s*프롬프트/g,
];

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

export function sanitizeRewrite(raw: string, maxChars = REWRITE_MAX_CHARS): SanitizedRewrite {
  // Control characters (other than newlines and tabs) have no place in prose and can hide instructions.
  let text = raw.normalize('NFC').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g, '');
  const emails = count(text, EMAIL);
  text = text.replace(EMAIL, '[이메일 삭제]');
  const residentNumbers = count(text, RESIDENT_NUMBER);
  text = text.replace(RESIDENT_NUMBER, '[주민번호 삭제]');
  const phones = count(text, PHONE);
  text = text.replace(PHONE, '[전화번호 삭제]');
  let injections = 0;
  for (const re of INJECTION) {
    injections += count(text, re);
    text = text.replace(re, '[지시문 삭제]');
  }
  text = text.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
  const chars = [...text];
  const truncated = chars.length > maxChars;
  if (truncated) text = chars.slice(0, maxChars).join('');
  return { sanitizedText: text, removed: { emails, phones, residentNumbers, injections }, truncated };
}
