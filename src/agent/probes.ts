/**
 * Readiness probes, as the kubelet runs them for tcpSocket and httpGet (exec probes are not run: such a
 * container counts as ready once running, as every container did before probes). A container with a probe
 * is unready from each start until a probe succeeds, and after failureThreshold failures in a row.
 */
import { request } from "node:http";
import { connect } from "node:net";
import type { V1Container, V1Probe } from "@kubernetes/client-node";

export interface ProbeTarget {
  kind: "tcp" | "http";
  port: number;
  path?: string;
}

/** What to probe for a container's readiness, or undefined (no probe the agent runs). Pure. */
export function readinessTarget(container: V1Container): ProbeTarget | undefined {
  const probe: V1Probe | undefined = container.readinessProbe;
  const handler = probe?.tcpSocket ?? probe?.httpGet;
  if (!handler) return undefined;
  const raw = handler.port as number | string;
  const port =
    typeof raw === "number" || /^\d+$/.test(String(raw))
      ? Number(raw)
      : container.ports?.find((p) => p.name === raw)?.containerPort;
  if (port === undefined) return undefined;
  return probe?.tcpSocket ? { kind: "tcp", port } : { kind: "http", port, path: probe?.httpGet?.path ?? "/" };
}

export function probeTimings(probe: V1Probe): {
  initialMs: number;
  periodMs: number;
  timeoutMs: number;
  failures: number;
} {
  return {
    initialMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, probe.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, probe.timeoutSeconds ?? 1) * 1000,
    failures: Math.max(1, probe.failureThreshold ?? 3),
  };
}

/** One probe of `host`: true when it answers in time (TCP connect; HTTP status 200-399). */
export function probeOnce(host: string, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (target.kind === "tcp") {
      const socket = connect({ host, port: target.port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once("connect", () => done(true));
      socket.once("error", () => done(false));
      return;
    }
    const req = request({ host, port: target.port, path: target.path, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
    req.end();
  });
}
