import { invalid } from './errors.js';

/** \r\n and a lone \r become \n (docs/rules.md "Text"); control characters are refused by the schema. */
export function normalizeNewlines(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

/** Length as people count it: code points, as PostgreSQL's char_length does. */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Normalizes newlines, trims, and checks the length; throws a 422 naming the field. */
export function cleanText(
  value: string,
  field: string,
  { min = 0, max }: { min?: number; max: number },
): string {
  const text = normalizeNewlines(value).trim();
  const length = charLength(text);
  if (length < min) {
    throw invalid(field, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  }
  if (length > max) throw invalid(field, `must be at most ${max} characters`);
  return text;
}
