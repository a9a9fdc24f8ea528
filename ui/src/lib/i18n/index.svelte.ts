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

// Intl formatters are costly to make (a caseload of 500 rows formats 500 dates): one
// per locale and format, made on first use.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
const tag = () => (i18n.locale === "da" ? "da-DK" : "en-GB");

function numberFormat(): Intl.NumberFormat {
  const key = `n:${i18n.locale}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(tag(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    formatters.set(key, f);
  }
  return f;
}

function dateFormat(withYear: boolean): Intl.DateTimeFormat {
  const key = `d:${i18n.locale}:${withYear}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(tag(), {
      day: "numeric",
      month: "short",
      year: withYear ? "numeric" : undefined,
      timeZone: "UTC",
    });
    formatters.set(key, f);
  }
  return f;
}

/// A score as people read it: one decimal, in the locale's notation (5.5 / 5,5).
export function points(value: number): string {
  return numberFormat().format(value);
}

export function signedPoints(value: number): string {
  return (value > 0 ? "+" : "") + points(value);
}

export function date(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return dateFormat(true).format(new Date(Date.UTC(y, m - 1, d)));
}

/// An axis date: day and month, with the year only where it changes.
export function axisDate(iso: string, withYear: boolean): string {
  const [y, m, d] = iso.split("-").map(Number);
  return dateFormat(withYear).format(new Date(Date.UTC(y, m - 1, d)));
}
