/** Wider than this, a name's column is not widened for it: one absurd name would push every row's columns far right. */
const WIDEST = 60;

/**
 * The width of a column of names on one page: the longest of them, at least `least`, so that the
 * columns after it line up on every row (a class named `Instrumental Music 10 - Coulton - 4` no
 * longer pushes its row's role two places right of the rows around it).
 */
export function columnWidth(texts: readonly string[], least: number): number {
  return Math.min(WIDEST, Math.max(least, ...texts.map((text) => text.length)));
}
