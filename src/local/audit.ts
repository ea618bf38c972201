/**
 * Counting one client's API requests exactly, by verb and resource: the embedded API server audits the
 * requests of ServiceAccounts in one namespace, `sparkplane-audit`, and nobody else's (so the log costs
 * nothing unless a benchmark or a test runs a client under such an identity). The request budget test and
 * `sparkplane bench submit` run the operator so.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";

export const AUDITED_NAMESPACE = "sparkplane-audit";

/** The API server's audit policy: Metadata for the audited namespace's ServiceAccounts, nothing else. */
export const AUDIT_POLICY_YAML = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    userGroups: ["system:serviceaccounts:${AUDITED_NAMESPACE}"]
  - level: None
`;

export interface AuditedRequest {
  user: string;
  verb: string;
  /** "pods", "sparkapplications/status", or the non-resource path. */
  resource: string;
  namespace?: string;
  code?: number;
}

interface AuditEvent {
  auditID?: string;
  stage?: string;
  verb?: string;
  requestURI?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string };
  responseStatus?: { code?: number };
}

/**
 * The requests in audit log lines (one JSON event a line), once each (by audit ID): a long-running request
 * (a watch, logs) is logged when its response starts and again when it ends.
 */
export function parseAuditLines(text: string): AuditedRequest[] {
  const out: AuditedRequest[] = [];
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    let e: AuditEvent;
    try {
      e = JSON.parse(line) as AuditEvent;
    } catch {
      continue;
    }
    if (e.stage !== "ResponseComplete" && e.stage !== "ResponseStarted") continue;
    if (e.auditID) {
      if (seen.has(e.auditID)) continue;
      seen.add(e.auditID);
    }
    const ref = e.objectRef;
    const resource = ref?.resource
      ? `${ref.resource}${ref.subresource ? `/${ref.subresource}` : ""}`
      : (e.requestURI ?? "").split("?")[0]!;
    out.push({
      user: e.user?.username ?? "",
      verb: e.verb ?? "",
      resource,
      namespace: ref?.namespace,
      code: e.responseStatus?.code,
    });
  }
  return out;
}

/** Counts by "verb resource" (e.g. "create pods"), sorted by count, largest first. */
export function countByVerbAndResource(requests: readonly AuditedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests)
    counts.set(`${r.verb} ${r.resource}`, (counts.get(`${r.verb} ${r.resource}`) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** The audit log's size now: read from here later to see only what came after. */
export function auditLogOffset(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The requests of `user` logged since `offset` (a rotated log restarts at 0: then everything in the new file).
 * A watch counts when it starts; a request that started before `offset` and ends after it counts again.
 */
export function auditedRequestsSince(path: string, offset: number, user: string): AuditedRequest[] {
  const size = auditLogOffset(path);
  const from = size < offset ? 0 : offset;
  if (size <= from) return [];
  const buf = Buffer.alloc(size - from);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  return parseAuditLines(buf.toString("utf8")).filter((r) => r.user === user);
}

/** The username the API server gives a ServiceAccount. */
export const serviceAccountUser = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`;
