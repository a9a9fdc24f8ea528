// Geometry of a 10 cm scoring line: where a mark sits and which value it reads. The
// value is read to 0.1 (a millimetre), as on paper; hearth-api validates it.
export const LINE_CM = 10;
/// A bank card is 85.6 mm wide (ISO/IEC 7810 ID-1): the calibration reference.
export const CARD_CM = 8.56;
export const DEFAULT_PX_PER_CM = 96 / 2.54;

export function lineLengthPx(pxPerCm: number): number {
  return LINE_CM * pxPerCm;
}

/// The value (0.0-10.0, one decimal) of a mark `offsetPx` from the line's left end.
export function valueAt(offsetPx: number, pxPerCm: number, max = 10): number {
  const raw = (offsetPx / lineLengthPx(pxPerCm)) * max;
  const clamped = Math.min(max, Math.max(0, raw));
  return Math.round(clamped * 10) / 10;
}

/// Moves a value by `steps` tenths (keyboard), staying on the line.
export function nudge(value: number | null, steps: number, max = 10): number {
  const start = value ?? max / 2;
  return Math.min(max, Math.max(0, Math.round(start * 10 + steps) / 10));
}

/// Items as hearth-api wants them typed: "5.5", one decimal.
export function asTyped(value: number): string {
  return value.toFixed(1);
}

/// Splits what was typed into the items field (spaces, semicolons or commas between
/// values; a decimal comma is kept when the values are separated by spaces).
export function splitItems(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (/[\s;]/.test(trimmed)) return trimmed.split(/[\s;]+/).filter(Boolean);
  return trimmed.split(",").filter(Boolean);
}
