/**
 * A zod type error of a body field in words (the `error` option of z.string(), z.number()...): a
 * missing field is "`name` is required" (and `hint`, what to send), a value of another type
 * "`name` must be `kind`", so a client sending "3" for a number is not told to send what it sent.
 */
export const typeError = (name: string, kind: string, hint?: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `${name} is required${hint ? `: ${hint}` : ''}` : `${name} must be ${kind}`;
