import { z } from '@hono/zod-openapi';

/**
 * A zod type error of a body field in words (the `error` option of z.string(), z.number()...): a
 * missing field is "`name` is required" (and `hint`, what to send), a value of another type
 * "`name` must be `kind`", so a client sending "3" for a number is not told to send what it sent.
 */
export const typeError = (name: string, kind: string, hint?: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `${name} is required${hint ? `: ${hint}` : ''}` : `${name} must be ${kind}`;

/** A text field: trimmed, with a letter or digit in it (not blank, not only invisible marks), within `max` characters. */
export const textField = (name: string, max: number) =>
  z.string({ error: typeError(name, 'a string') }).trim().min(1, `${name} is required`).max(max, `${name} must be at most ${max} characters`)
    .refine((s) => /[\p{L}\p{N}]/u.test(s), `${name} must contain letters or digits`)
    .refine(withoutDirectionOverrides, directionOverrideMessage(name));

/** Direction overrides make text display as something else than it is ("\u202Eevil" shows "live"). */
export const withoutDirectionOverrides = (s: string) => !/[\u202A-\u202E\u2066-\u2069]/u.test(s);
export const directionOverrideMessage = (name: string) => `${name} must not contain text-direction override characters (U+202A-202E, U+2066-2069)`;

/** One word of a vocabulary; anything else says which words there are. */
export const oneOf = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: `${name} must be one of ${values.join(', ')}` });
