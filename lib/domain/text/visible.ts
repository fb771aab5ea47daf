/**
 * Free text people type (a change reason, an agent note, a search) must say something: after
 * removing whitespace and Unicode format characters (category Cf: zero-width space U+200B,
 * joiners, direction marks, the byte-order mark…), something visible must be left.
 */
const INVISIBLE = /[\s\p{Cf}]/gu;

export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '').length > 0;
}
