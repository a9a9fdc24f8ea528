// The one way UI text is produced: t(key, params) from the current locale's catalogue.
import { en, type MessageKey } from "./en";
import { da } from "./da";

export type Locale = "en" | "da";
export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, da };
export type { MessageKey };

const saved = typeof localStorage !== "undefined" ? localStorage.getItem("hearth.locale") : null;
export const i18n = $state<{ locale: Locale }>({ locale: saved === "da" ? "da" : "en" });

export function setLocale(locale: Locale) {
  i18n.locale = locale;
  if (typeof localStorage !== "undefined") localStorage.setItem("hearth.locale", locale);
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(catalogues[i18n.locale][key], params);
}

/// A key built from a value the api sends (a role, a flag): falls back to the value
/// itself when the catalogue has no entry, rather than showing nothing.
export function tv(prefix: string, value: string, params?: Record<string, string | number>): string {
  const key = `${prefix}.${value}` as MessageKey;
  const template = catalogues[i18n.locale][key];
  return template === undefined ? value : format(template, params);
}

/// A score as people read it: one decimal, in the locale's notation (5.5 / 5,5).
export function points(value: number): string {
  return new Intl.NumberFormat(i18n.locale === "da" ? "da-DK" : "en-GB", {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

export function signedPoints(value: number): string {
  return (value > 0 ? "+" : "") + points(value);
}

export function date(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(i18n.locale === "da" ? "da-DK" : "en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/// An axis date: day and month, with the year only where it changes.
export function axisDate(iso: string, withYear: boolean): string {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(i18n.locale === "da" ? "da-DK" : "en-GB", {
    day: "numeric",
    month: "short",
    year: withYear ? "numeric" : undefined,
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}
