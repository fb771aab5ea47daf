/** "a", "a and b", "a, b and c" (no serial comma). */
export function andList(items: readonly string[]): string {
  return joinLast(items, 'and');
}

/** "a", "a or b", "a, b or c" (no serial comma). */
export function orList(items: readonly string[]): string {
  return joinLast(items, 'or');
}

function joinLast(items: readonly string[], word: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

/** "switch from Basic to Plus" → "Switch from Basic to Plus". */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
