import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { probeOnce, probeTimings, readinessTarget } from "./probes.js";

describe("readiness probes", () => {
  test("targets: tcpSocket and httpGet by number or port name; exec and none are not run", () => {
    assert.deepEqual(readinessTarget({ name: "c", readinessProbe: { tcpSocket: { port: 15002 } } }), {
      kind: "tcp",
      port: 15002,
    });
    assert.deepEqual(
      readinessTarget({
        name: "c",
        ports: [{ name: "web", containerPort: 8080 }],
        readinessProbe: { httpGet: { port: "web", path: "/ok" } },
      }),
      { kind: "http", port: 8080, path: "/ok" },
    );
    assert.equal(readinessTarget({ name: "c", readinessProbe: { exec: { command: ["true"] } } }), undefined);
    assert.equal(readinessTarget({ name: "c" }), undefined);
    assert.deepEqual(probeTimings({}), { initialMs: 0, periodMs: 10_000, timeoutMs: 1000, failures: 3 });
  });
  test("a TCP probe succeeds on a listening port and fails on a closed one", async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    assert.equal(await probeOnce("127.0.0.1", { kind: "tcp", port }, 1000), true);
    await new Promise<void>((r) => server.close(() => r()));
    assert.equal(await probeOnce("127.0.0.1", { kind: "tcp", port }, 1000), false);
  });
});
