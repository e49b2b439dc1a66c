/**
 * What any provider's text and numbers must look like before they reach a column, on both
 * databases: a value the database rejects would lose the whole message (PostgreSQL refuses NUL
 * characters and out-of-range integers; SQLite cuts a statement at a NUL).
 */

export const withoutNul = (s: string): string => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);

/** `file_size` is a 32-bit integer: a sender's absurd announced size is not stored. */
export const storableSize = (n: number | null | undefined): number | null => (n != null && n >= 0 && n <= 2_147_483_647 ? n : null);
