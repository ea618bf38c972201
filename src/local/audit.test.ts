import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import {
  AUDIT_POLICY_YAML,
  AUDITED_NAMESPACE,
  auditedRequestsSince,
  auditLogOffset,
  countByVerbAndResource,
  parseAuditLines,
  serviceAccountUser,
} from "./audit.js";

const ev = (o: Record<string, unknown>) => JSON.stringify({ kind: "Event", level: "Metadata", ...o });
const OP = serviceAccountUser(AUDITED_NAMESPACE, "op");

test("the audit policy audits the audited namespace's ServiceAccounts only", () => {
  const policy = parse(AUDIT_POLICY_YAML);
  assert.equal(policy.kind, "Policy");
  assert.deepEqual(policy.rules[0].userGroups, [`system:serviceaccounts:${AUDITED_NAMESPACE}`]);
  assert.equal(policy.rules.at(-1).level, "None");
});

test("each request counts once, a watch when it starts; subresources and non-resource paths named", () => {
  const lines = [
    ev({
      auditID: "1",
      stage: "ResponseComplete",
      verb: "create",
      user: { username: OP },
      objectRef: { resource: "pods", namespace: "a" },
      responseStatus: { code: 201 },
    }),
    ev({
      auditID: "2",
      stage: "ResponseStarted",
      verb: "watch",
      user: { username: OP },
      objectRef: { resource: "pods" },
    }),
    ev({
      auditID: "2",
      stage: "ResponseComplete",
      verb: "watch",
      user: { username: OP },
      objectRef: { resource: "pods" },
    }),
    ev({
      auditID: "3",
      stage: "ResponseComplete",
      verb: "update",
      user: { username: OP },
      objectRef: { resource: "sparkapplications", subresource: "status" },
    }),
    ev({
      auditID: "4",
      stage: "ResponseComplete",
      verb: "get",
      user: { username: OP },
      requestURI: "/readyz?verbose",
    }),
    "not json",
  ].join("\n");
  const reqs = parseAuditLines(lines);
  assert.deepEqual(
    [...countByVerbAndResource(reqs)],
    [
      ["create pods", 1],
      ["get /readyz", 1],
      ["update sparkapplications/status", 1],
      ["watch pods", 1],
    ],
  );
  assert.equal(reqs[0]!.code, 201);
});

test("auditedRequestsSince reads what came after the offset, for one user, and a rotated log from its start", () => {
  const path = join(mkdtempSync(join(tmpdir(), "audit-")), "audit.log");
  assert.equal(auditLogOffset(path), 0, "no log yet");
  writeFileSync(
    path,
    `${ev({ auditID: "a", stage: "ResponseComplete", verb: "list", user: { username: OP }, objectRef: { resource: "nodes" } })}\n`,
  );
  const offset = auditLogOffset(path);
  appendFileSync(
    path,
    `${ev({ auditID: "b", stage: "ResponseComplete", verb: "create", user: { username: OP }, objectRef: { resource: "events" } })}\n`,
  );
  appendFileSync(
    path,
    `${ev({ auditID: "c", stage: "ResponseComplete", verb: "create", user: { username: "other" }, objectRef: { resource: "events" } })}\n`,
  );
  assert.deepEqual(
    auditedRequestsSince(path, offset, OP).map((r) => `${r.verb} ${r.resource}`),
    ["create events"],
  );
  writeFileSync(
    path,
    `${ev({ auditID: "d", stage: "ResponseComplete", verb: "patch", user: { username: OP }, objectRef: { resource: "pods" } })}\n`,
  );
  assert.deepEqual(
    auditedRequestsSince(path, offset * 10, OP).map((r) => r.verb),
    ["patch"],
  );
});
