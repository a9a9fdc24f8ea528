import { describe, expect, it } from "vitest";
import { en } from "./en";
import { da } from "./da";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it("Danish has exactly the English keys", () => {
    expect(Object.keys(da).sort()).toEqual(Object.keys(en).sort());
  });
  it("every message keeps its placeholders in Danish and none is empty", () => {
    for (const [key, text] of Object.entries(en)) {
      const danish = (da as Record<string, string>)[key];
      expect(danish.trim(), key).not.toBe("");
      expect(placeholders(danish), key).toEqual(placeholders(text));
    }
  });
  it("no UI text is written outside the catalogues", async () => {
    // Every component's visible text goes through t(): look for letters between tags.
    const files = import.meta.glob("../../components/*.svelte", { query: "?raw", import: "default", eager: true });
    for (const [name, source] of Object.entries(files)) {
      const markup = (source as string)
        .replace(/<script[\s\S]*?<\/script>/g, "")
        .replace(/<style[\s\S]*?<\/style>/g, "")
        .replace(/<!--[\s\S]*?-->/g, "")
        .replace(/\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, "");
      const stray = [...markup.matchAll(/>([^<>]*)</g)]
        .map((m) => m[1].trim())
        .filter((s) => /[A-Za-zæøåÆØÅ]{2,}/.test(s));
      expect(stray, name).toEqual([]);
    }
  });
});
