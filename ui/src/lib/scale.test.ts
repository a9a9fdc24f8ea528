import { describe, expect, it } from "vitest";
import { asTyped, lineLengthPx, nudge, splitItems, valueAt } from "./scale";

describe("a 10 cm scoring line", () => {
  it("is ten calibrated centimetres long", () => {
    expect(lineLengthPx(40)).toBe(400);
  });
  it("reads a mark to the millimetre (0.1), clamped to the line", () => {
    expect(valueAt(0, 40)).toBe(0);
    expect(valueAt(400, 40)).toBe(10);
    expect(valueAt(222, 40)).toBe(5.6); // 5.55 cm from the left end rounds to 5.6
    expect(valueAt(-30, 40)).toBe(0);
    expect(valueAt(900, 40)).toBe(10);
  });
  it("moves a mark by 0.1 per key press without leaving the line", () => {
    expect(nudge(5, 1)).toBe(5.1);
    expect(nudge(5, -1)).toBe(4.9);
    expect(nudge(9.95, 1)).toBe(10);
    expect(nudge(0, -1)).toBe(0);
    expect(nudge(null, 1)).toBe(5.1);
  });
  it("hands values to the api as one-decimal text", () => {
    expect(asTyped(5)).toBe("5.0");
    expect(asTyped(7.3)).toBe("7.3");
  });
  it("splits typed items on spaces, keeping a decimal comma", () => {
    expect(splitItems("5 6 5,5 6")).toEqual(["5", "6", "5,5", "6"]);
    expect(splitItems("5,6,5.5,6")).toEqual(["5", "6", "5.5", "6"]);
    expect(splitItems("  ")).toEqual([]);
  });
});
