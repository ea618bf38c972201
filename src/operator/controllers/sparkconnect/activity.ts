/**
 * Reads a Spark Connect server's activity from its Spark UI REST API (the driver's own, on the server pod's
 * address): its jobs and SQL queries. The operator reaches pod addresses in-cluster and in local mode; from
 * elsewhere the read fails and the session is not stopped.
 */
import type { SparkConnect } from "../../../api/v1alpha1/sparkconnect.js";
import { ConfKey, SparkPort } from "../../../spark/constants.js";
import type { SparkActivity, SparkJobInfo, SparkSqlInfo } from "./decide/idle.js";

export type ActivityReader = (conn: SparkConnect, podIp: string) => Promise<SparkActivity>;

/** The server's UI base URL, or why there is none. */
export function sparkUiBase(conn: SparkConnect, podIp: string): string {
  const conf = conn.spec.sparkConf ?? {};
  if (conf[ConfKey.UiEnabled] === "false")
    throw new Error(
      `spec.sparkConf ${ConfKey.UiEnabled} is false: the idle timeout reads the server's Spark UI REST API`,
    );
  const port = Number(conf[ConfKey.UiPort] ?? SparkPort.Ui) || SparkPort.Ui;
  const host = podIp.includes(":") ? `[${podIp}]` : podIp;
  return `http://${host}:${port}/api/v1`;
}

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function httpActivityReader(timeoutMs = 5000): ActivityReader {
  return async (conn, podIp) => {
    const base = sparkUiBase(conn, podIp);
    const apps = await getJson<{ id: string }[]>(`${base}/applications`, timeoutMs);
    const id = apps[0]?.id;
    if (!id) throw new Error(`${base}/applications lists no application`);
    const app = `${base}/applications/${encodeURIComponent(id)}`;
    // The SQL list pages 20 by default; the UI keeps at most spark.sql.ui.retainedExecutions (1000).
    const [jobs, sql] = await Promise.all([
      getJson<SparkJobInfo[]>(`${app}/jobs`, timeoutMs),
      getJson<SparkSqlInfo[]>(`${app}/sql?details=false&offset=0&length=100000`, timeoutMs),
    ]);
    return { jobs, sql };
  };
}
