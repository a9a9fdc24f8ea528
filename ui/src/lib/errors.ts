import { ApiFailure } from "./api";
import { tv } from "./i18n/index.svelte";

/// The message a screen shows for a failed call, worded by the catalogue.
export function messageOf(e: unknown): string {
  if (e instanceof ApiFailure) return tv("err", e.code, { detail: e.detail });
  return tv("err", "unknown", { detail: String(e) });
}
