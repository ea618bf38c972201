/**
 * The logging this layer needs; a pino logger fits as is. Each call gets structured fields and a message.
 */
export interface KubeLog {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const ignore = () => {};

export const silentLog: KubeLog = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Warnings and errors to stderr: the default, so failures are never invisible when no logger is given. */
export const stderrLog: KubeLog = {
  debug: ignore,
  info: ignore,
  warn: (fields, msg) => console.warn(`[sparkplane/kube] ${msg}`, describe(fields)),
  error: (fields, msg) => console.error(`[sparkplane/kube] ${msg}`, describe(fields)),
};

function describe(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(
      ([k, v]) =>
        `${k}=${v instanceof Error ? v.message : typeof v === "object" ? JSON.stringify(v) : String(v)}`,
    )
    .join(" ");
}
