/** The keys of a vocabulary object as a non-empty tuple: what `z.enum` takes (`z.enum(keysOf(STYLES))`). */
export const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
