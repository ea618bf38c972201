import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { age, table } from "./context.js";

/** "2 RUNNING, 1 COMPLETED" from status.executorState. */
export function executorSummary(executorState: Record<string, string> | undefined): string {
  const counts = new Map<string, number>();
  for (const s of Object.values(executorState ?? {})) counts.set(s, (counts.get(s) ?? 0) + 1);
  if (counts.size === 0) return "none";
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

/** The `kubectl get sparkapp` columns, plus executors. */
export function appsTable(apps: SparkApplication[], now = Date.now()): string {
  const rows = [["NAME", "STATUS", "ATTEMPTS", "EXECUTORS", "START", "FINISH", "AGE"]];
  for (const a of apps) {
    const s = a.status;
    rows.push([
      a.metadata.name ?? "",
      s?.applicationState?.state || "NEW",
      String(s?.executionAttempts ?? 0),
      executorSummary(s?.executorState),
      s?.lastSubmissionAttemptTime ?? "",
      s?.terminationTime ?? "",
      age(a.metadata.creationTimestamp as string | undefined, now),
    ]);
  }
  return table(rows);
}

export function describeApp(
  app: SparkApplication,
  driver: V1Pod | undefined,
  events: CoreV1Event[],
  now = Date.now(),
  pending: readonly string[] = [],
): string {
  const s = app.status;
  events = ownEvents(app, events);
  const lines = [
    `Name:          ${app.metadata.name}`,
    `Namespace:     ${app.metadata.namespace}`,
    `Type:          ${app.spec.type} (Spark ${app.spec.sparkVersion}, ${app.spec.mode ?? "cluster"} mode)`,
    `Main:          ${app.spec.mainClass ? `${app.spec.mainClass} in ` : ""}${app.spec.mainApplicationFile}`,
    `State:         ${s?.applicationState?.state || "NEW"}`,
  ];
  if (s?.applicationState?.errorMessage) lines.push(`Error:         ${s.applicationState.errorMessage}`);
  lines.push(
    `Attempts:      ${s?.executionAttempts ?? 0} execution, ${s?.submissionAttempts ?? 0} submission (restart policy ${app.spec.restartPolicy?.type ?? "Never"})`,
    `Submitted:     ${s?.lastSubmissionAttemptTime ?? "-"}`,
    `Finished:      ${s?.terminationTime ?? "-"}`,
    `Spark app id:  ${s?.sparkApplicationId ?? "-"}`,
    `Driver:        ${s?.driverInfo?.podName ?? "-"}${driver ? ` (${driver.status?.phase}${driver.status?.podIP ? `, ${driver.status.podIP}` : ""}${driver.spec?.nodeName ? ` on ${driver.spec.nodeName}` : ""})` : ""}`,
    `Spark UI:      ${s?.driverInfo?.webUIServiceName ? `${s.driverInfo.webUIServiceName}:${s.driverInfo.webUIPort} (sparkplane ui ${app.metadata.name})` : "-"}`,
    `Executors:     ${executorSummary(s?.executorState)}`,
  );
  for (const [pod, state] of Object.entries(s?.executorState ?? {}).sort()) lines.push(`  ${pod}  ${state}`);
  if (pending.length > 0) lines.push("Pending:", ...pending.map((l) => `  ${l}`));
  lines.push("Events:");
  if (events.length === 0) lines.push("  <none>");
  else {
    const sorted = [...events].sort((a, b) => eventTime(a) - eventTime(b));
    const rows = [["TYPE", "REASON", "AGE", "COUNT", "MESSAGE"]];
    for (const e of sorted)
      rows.push([
        e.type ?? "",
        e.reason ?? "",
        age(new Date(eventTime(e)), now),
        String(e.count ?? 1),
        e.message ?? "",
      ]);
    lines.push(
      ...table(rows)
        .split("\n")
        .map((l) => `  ${l}`),
    );
  }
  return lines.join("\n");
}

/** The events about this app, not about a deleted app of the same name (a different uid). */
function ownEvents(app: SparkApplication, events: CoreV1Event[]): CoreV1Event[] {
  const uid = app.metadata.uid;
  return uid ? events.filter((e) => e.involvedObject?.uid === uid) : events;
}

function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}
