/** IANA time zones of schedules: which names are accepted, the operator's own zone, display of instants. */

/** `spec.timeZone: Local` means the operator's zone, as Go's `time.LoadLocation("Local")` does for kubeflow. */
export const LOCAL_TIME_ZONE = "Local";

/** IANA names (`Europe/Berlin`, `UTC`, `Etc/GMT+5`); offsets such as `+05:00` are not zone names. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/**
 * The zone of the operator process: `TZ` or /etc/localtime, which in a container is almost always UTC.
 * Read once per call; pass the result as `defaultTimeZone` to keep decisions reproducible.
 */
export function operatorTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
}

export function isIanaTimeZone(name: string): boolean {
  if (!ZONE_NAME.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export type ZoneResolution = { ok: true; zone: string } | { ok: false; problem: string };

/** `spec.timeZone` as written (unset, empty and `Local` mean `defaultZone`) to the zone to compute in. */
export function resolveTimeZone(written: string | undefined, defaultZone: string): ZoneResolution {
  const local = written === undefined || written === "" || written === LOCAL_TIME_ZONE;
  const zone = local ? defaultZone : written;
  if (isIanaTimeZone(zone)) return { ok: true, zone };
  if (local) {
    return {
      ok: false,
      problem: `the operator's own time zone "${zone}" is not an IANA zone; set spec.timeZone, e.g. "UTC"`,
    };
  }
  return {
    ok: false,
    problem: `"${zone}" is not an IANA time zone name; use one such as "UTC", "Europe/Berlin" or "America/New_York"`,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `2024-03-10T07:00:00Z (03:00 EDT America/New_York)`: the instant and the wall clock the schedule saw. */
export function describeInstant(instant: Date, zone: string): string {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "short",
    });
    formatters.set(zone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, part.value]));
  const seconds = parts.second === "00" ? "" : `:${parts.second}`;
  const zoneName = parts.timeZoneName === zone ? zone : `${parts.timeZoneName} ${zone}`;
  return `${rfc3339(instant)} (${parts.hour}:${parts.minute}${seconds} ${zoneName})`;
}

/** Kubernetes' timestamp format (metav1.Time): whole seconds, UTC. */
export function rfc3339(instant: Date | number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}
