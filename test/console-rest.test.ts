import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { ensureCrds } from "../src/operator/crds.js";
import { freshNamespace } from "./cluster.js";
import { startTestConsole } from "./console-fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely here
type Json = any;

const app = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    type: "Scala",
    sparkVersion: "3.5.9",
    image: "spark:3.5.9",
    mainClass: "x.Pi",
    mainApplicationFile: "local:///x.jar",
    driver: { cores: 1, memory: "512m" },
    executor: { instances: 1, memory: "512m" },
    ...extra,
  },
});

describe("sparkplane console: /api/v1 and /batches against the real API server", { timeout: 240_000 }, () => {
  let server: Server;
  let base: string;
  let ns: string;
  let core: CoreV1Api;

  before(async () => {
    const fresh = await freshNamespace("console");
    ns = fresh.name;
    core = fresh.cluster.kc.makeApiClient(CoreV1Api);
    await ensureCrds(fresh.cluster.kc);
    server = await (await startTestConsole(fresh.cluster.kc, ns)).server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  };

  /** A GET with the path sent byte for byte (fetch and URL would resolve `..` and `%2e%2e` first). */
  const rawGet = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: new URL(base).port, path, method: "GET" }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });

  test("SparkConnect sessions (namespaced) and SparkQueues (cluster-scoped): create, get, list, delete, checked bodies", async () => {
    const sessions = `/api/v1/namespaces/${ns}/sparkconnects`;
    const session = {
      metadata: { name: "s1" },
      spec: { sparkVersion: "3.5.9", server: { cores: 1, memory: "512m" }, executor: { instances: 1 } },
    };
    const made = await call("POST", sessions, session);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.apiVersion, "sparkoperator.k8s.io/v1alpha1");
    assert.equal((await call("GET", `${sessions}/s1`)).body.metadata.name, "s1");
    assert.deepEqual(
      (await call("GET", sessions)).body.items.map((x: Json) => x.metadata.name),
      ["s1"],
    );
    const typo = await call("POST", sessions, {
      metadata: { name: "s2" },
      spec: { ...session.spec, severs: {} },
    });
    assert.equal(typo.status, 400);
    assert.ok(
      typo.body.fields.some((f: Json) => f.field === "spec.severs"),
      JSON.stringify(typo.body),
    );
    assert.equal((await call("DELETE", `${sessions}/s1`)).status, 200);

    const queue = `q-${ns}`;
    const made2 = await call("POST", "/api/v1/sparkqueues", {
      metadata: { name: queue },
      spec: { quota: { cpu: "4", memory: "8Gi" }, maxRunningApplications: 2 },
    });
    assert.equal(made2.status, 201, JSON.stringify(made2.body));
    assert.equal((await call("GET", `/api/v1/sparkqueues/${queue}`)).body.spec.maxRunningApplications, 2);
    assert.ok(
      (await call("GET", "/api/v1/sparkqueues")).body.items.some((x: Json) => x.metadata.name === queue),
    );
    const wrongType = await call("POST", "/api/v1/sparkqueues", {
      metadata: { name: `${queue}-x` },
      spec: { maxRunningApplications: "two" },
    });
    assert.equal(wrongType.status, 400);
    assert.ok(wrongType.body.fields.some((f: Json) => f.field === "spec.maxRunningApplications"));
    assert.equal(
      (await call("GET", `/api/v1/namespaces/${ns}/sparkqueues`)).status,
      404,
      "queues have no namespace",
    );
    assert.equal((await call("GET", "/api/v1/sparkconnects")).status, 404, "sessions live in a namespace");
    assert.equal((await call("DELETE", `/api/v1/sparkqueues/${queue}`)).status, 200);
  });

  test("CRUD of SparkApplications, paging and state filter", async () => {
    const apps = `/api/v1/namespaces/${ns}/sparkapplications`;
    for (const n of ["a1", "a2", "a3"]) assert.equal((await call("POST", apps, app(n))).status, 201);
    assert.equal((await call("POST", apps, app("a1"))).status, 409);
    const got = await call("GET", `${apps}/a1`);
    assert.equal(got.status, 200);
    assert.equal(got.body.metadata.name, "a1");
    const page1 = await call("GET", `${apps}?limit=2`);
    assert.equal(page1.body.items.length, 2);
    assert.ok(page1.body.metadata.continue);
    const page2 = await call(
      "GET",
      `${apps}?limit=2&continue=${encodeURIComponent(page1.body.metadata.continue)}`,
    );
    assert.deepEqual(
      page2.body.items.map((a: Json) => a.metadata.name),
      ["a3"],
    );
    assert.equal((await call("GET", `${apps}?state=RUNNING`)).body.items.length, 0);
    assert.equal((await call("GET", `${apps}?state=BOGUS`)).status, 400);
    assert.equal((await call("GET", `${apps}/a1/events`)).status, 200);
    assert.equal((await call("DELETE", `${apps}/a3`)).status, 200);
    assert.equal((await call("GET", `${apps}/nope`)).status, 404);
    const sched = `/api/v1/namespaces/${ns}/scheduledsparkapplications`;
    const s = await call("POST", sched, {
      metadata: { name: "s1" },
      spec: { schedule: "@hourly", template: app("x").spec },
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    assert.equal((await call("GET", sched)).body.items.length, 1);
  });

  test("bad bodies are 400 naming the field, big ones 413, traversal 400", async () => {
    const apps = `/api/v1/namespaces/${ns}/sparkapplications`;
    const unknown = await call("POST", apps, app("b1", { mainClas: "y" }));
    assert.equal(unknown.status, 400);
    assert.deepEqual(
      unknown.body.fields.map((f: Json) => f.field),
      ["spec.mainClas"],
    );
    const wrongType = await call("POST", apps, app("b2", { driver: { cores: "one" } }));
    assert.equal(wrongType.status, 400);
    assert.ok(
      wrongType.body.fields.some((f: Json) => f.field === "spec.driver.cores"),
      JSON.stringify(wrongType.body),
    );
    assert.equal((await call("POST", apps, "{not json")).status, 400);
    assert.equal((await call("POST", apps, `{"a":"${"x".repeat(1_100_000)}"}`)).status, 413);
    for (const p of [
      `${apps}/..%2F..%2Fsecrets/log`,
      `${apps}/a1%2F..%2F..%2Fpods/log`,
      `/api/v1/namespaces/${ns}/sparkapplications/%2e%2e/log`,
      `/api/v1/namespaces/Bad_NS/sparkapplications`,
      `${apps}/a1/log?container=../x`,
    ])
      assert.equal(await rawGet(p), 400, p);
  });

  test("a ServiceAccount's token without rights gets 403; a garbage token 401", async () => {
    const sa = `nobody-${randomBytes(3).toString("hex")}`;
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: sa } } });
    const tr = await core.createNamespacedServiceAccountToken({
      name: sa,
      namespace: ns,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const auth = { authorization: `Bearer ${tr.status?.token}` };
    const apps = `/api/v1/namespaces/${ns}/sparkapplications`;
    assert.equal((await call("GET", apps, undefined, auth)).status, 403);
    assert.equal((await call("POST", apps, app("c1"), auth)).status, 403);
    assert.equal((await call("POST", "/batches", { file: "local:///x.py" }, auth)).status, 403);
    assert.equal((await call("GET", apps, undefined, { authorization: "Bearer garbage" })).status, 401);
  });

  test("Livy batches: ids in order (also concurrently), views, state, log, delete; /sessions points elsewhere", async () => {
    const made = await Promise.all(
      Array.from({ length: 5 }, () =>
        call("POST", "/batches", { file: "local:///x/pi.py", name: "pi", args: ["2"] }),
      ),
    );
    for (const m of made) assert.equal(m.status, 201, JSON.stringify(m.body));
    assert.deepEqual(made.map((m) => m.body.id).sort(), [0, 1, 2, 3, 4]);
    const list = await call("GET", "/batches?from=1&size=2");
    assert.equal(list.body.total, 5);
    assert.deepEqual(
      list.body.sessions.map((b: Json) => b.id),
      [1, 2],
    );
    const one = await call("GET", "/batches/3");
    assert.equal(one.body.state, "not_started");
    assert.equal(one.body.name, "pi");
    assert.deepEqual((await call("GET", "/batches/3/state")).body, { id: 3, state: "not_started" });
    const log = await call("GET", "/batches/3/log?from=0&size=10");
    assert.deepEqual(log.body, { id: 3, from: 0, size: 0, total: 0, log: [] });
    assert.deepEqual((await call("DELETE", "/batches/4")).body, { msg: "deleted" });
    assert.equal((await call("GET", "/batches/99")).status, 404);
    assert.equal((await call("GET", "/batches/-1")).status, 400);
    const bad = await call("POST", "/batches", { file: "x.jar", numExecutors: "2" });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.fields.map((f: Json) => f.field),
      ["numExecutors"],
    );
    assert.equal((await call("POST", "/sessions", { kind: "spark" })).status, 405);
    assert.match((await call("GET", "/sessions")).body.error, /Spark Connect/);
  });

  test("OpenAPI document from the CRD schemas", async () => {
    const doc = await call("GET", "/api/v1/openapi.json");
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, "3.0.3");
    assert.ok(doc.body.components.schemas.SparkApplication.properties.spec.properties.mainApplicationFile);
    assert.ok(doc.body.paths["/batches"].post);
  });

  test("fuzz: random shapes, wrong types, huge bodies and traversal are always 4xx and the server stays up", async () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const value = (depth: number): unknown => {
      switch (rnd(depth > 3 ? 5 : 8)) {
        case 0:
          return null;
        case 1:
          return rnd(1000) - 500;
        case 2:
          return "x".repeat(rnd(20));
        case 3:
          return rnd(2) === 0;
        case 4:
          return "../../etc/passwd";
        case 5:
          return Array.from({ length: rnd(4) }, () => value(depth + 1));
        default:
          return Object.fromEntries(
            Array.from({ length: rnd(5) }, () => [
              ["spec", "metadata", "driver", "file", "conf", "name", "__proto__", "args"][rnd(8)] as string,
              value(depth + 1),
            ]),
          );
      }
    };
    const paths = [
      `/api/v1/namespaces/${ns}/sparkapplications`,
      `/api/v1/namespaces/${ns}/scheduledsparkapplications`,
      "/batches",
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const path = paths[rnd(paths.length)] as string;
      const body =
        rnd(10) === 0
          ? "[".repeat(rnd(5000))
          : rnd(30) === 0
            ? "y".repeat(1_200_000)
            : JSON.stringify(value(0));
      const r = await call("POST", path, body);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      assert.ok(
        r.status >= 400 && r.status < 500,
        `${path} ${body.slice(0, 200)} -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`,
      );
    }
    const junkPaths = [
      "/api/v1/namespaces/%ZZ",
      "/api/v1/namespaces/a/b/c/d/e/f",
      "/batches/1/log?from=x",
      "/batches/abc",
      "/api/v1/namespaces/x/sparkapplications?limit=-3",
      "/\\..\\..",
      "/api/v1/namespaces/a/sparkapplications/" + "n".repeat(300),
    ];
    for (const p of junkPaths) {
      const status = await rawGet(p);
      assert.ok(status >= 400 && status < 500, `${p} -> ${status}`);
    }
    console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.equal((await call("GET", "/healthz")).status, 200);
  });
});
