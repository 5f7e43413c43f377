// How a rule's text (each hypothesis module writes its rules out from their constants) formats its
// numbers: the site passes its own formatting (site/lib/text/format.ts), so the text reads as the pages do.

export interface NumberFormat {
  /** 0.1 -> "10.0 %" (digits after the point). */
  percent(x: number, digits?: number): string;
  /** A difference of shares in points: 0.05 -> "+5.0 pts". */
  points(x: number, digits?: number): string;
  /** 1.05 -> "1.05×". */
  ratio(x: number, digits?: number): string;
}
