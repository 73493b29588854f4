/**
 * Go's time.Location for templates: UTC, Local (which is UTC here, see dates.ts) and the IANA zones
 * that ship with Node (Intl). Kept apart so that both dates.ts and timefmt.ts can use it.
 */

export type Loc =
  | { kind: "utc" }
  | { kind: "local" }
  | { kind: "fixed"; name: string; offset: number }
  | { kind: "iana"; name: string };

export const UTC: Loc = { kind: "utc" };
export const LOCAL: Loc = { kind: "local" };

const dtfCache = new Map<string, Intl.DateTimeFormat[]>();
function formatters(zone: string): Intl.DateTimeFormat[] {
  let f = dtfCache.get(zone);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = {
      timeZone: zone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      timeZoneName: "short",
    };
    f = [new Intl.DateTimeFormat("en-US", opts), new Intl.DateTimeFormat("en-GB", opts)];
    dtfCache.set(zone, f);
  }
  return f;
}

/** time.LoadLocation: "" and "UTC" are UTC, "Local" is Local, else an IANA name; undefined if unknown. */
export function loadLocation(name: string): Loc | undefined {
  if (name === "" || name === "UTC") return UTC;
  if (name === "Local") return LOCAL;
  if (name.includes("..") || name.startsWith("/") || name.includes("\\")) return undefined;
  try {
    formatters(name);
    return { kind: "iana", name };
  } catch {
    return undefined;
  }
}

const numericZone = (offset: number): string => {
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  const h = String(Math.floor(a / 3600)).padStart(2, "0");
  const m = Math.floor((a % 3600) / 60);
  return sign + h + (m === 0 ? "" : String(m).padStart(2, "0"));
};

/** The zone abbreviation and offset (seconds east of UTC) in effect at a Unix second. */
export function zoneAt(loc: Loc, unix: number): { name: string; offset: number } {
  if (loc.kind === "utc" || loc.kind === "local") return { name: "UTC", offset: 0 };
  if (loc.kind === "fixed") return { name: loc.name, offset: loc.offset };
  const ms = unix * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) return { name: "UTC", offset: 0 };
  const [us, gb] = formatters(loc.name) as [Intl.DateTimeFormat, Intl.DateTimeFormat];
  const parts = Object.fromEntries(us.formatToParts(ms).map((p) => [p.type, p.value]));
  const year = Number(parts.year) * (parts.era === "BC" ? -1 : 1) + (parts.era === "BC" ? 1 : 0);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((wall.getTime() - Math.floor(ms / 1000) * 1000) / 1000);
  let name = String(parts.timeZoneName);
  if (/^GMT[+-]/.test(name)) {
    const alt = gb.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? name;
    name = /^GMT[+-]/.test(alt) ? numericZone(offset) : alt;
  }
  return { name, offset };
}
