/** Round to an integer, half away from zero (1.5 → 2, −1.5 → −2). */
export function roundHalfAwayFromZero(x: number): number {
  // Guard against binary noise such as 166.66666666666666 vs 166.5 exactly.
  const r = Math.round(Math.abs(x) * 1e6) / 1e6;
  return Math.sign(x) * Math.floor(r + 0.5) || 0;
}
