/** The generated CRDs against a real kube-apiserver: accepted as structural, nothing pruned, bounds enforced. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { ApiextensionsV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { parse } from "yaml";
import { freshNamespace, testCluster } from "../../test/cluster.js";
import { crdsForClient } from "./crd-manifests.js";
import {
  API_VERSION,
  GROUP,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
  VERSION,
} from "./v1beta2/constants.js";
import { everyFieldSpec, sparkPiApp } from "./v1beta2/fixtures.test-helpers.js";
import type { SparkApplication, SparkApplicationStatus } from "./v1beta2/sparkapplication.js";

const SEEDS = new URL("../../../examples/seeds/", import.meta.url);
const skip = process.env.SPARKPLANE_TEST_STATE_DIR ? false : "needs the cluster of `npm test`";

interface Resource {
  group: string;
  version: string;
  plural: string;
}

interface Stored {
  metadata: { name: string; resourceVersion: string };
  spec: unknown;
  status?: unknown;
}

const isCode = (code: number) => (error: { code?: number }) => error.code === code;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("CRDs on kube-apiserver", { skip }, () => {
  let custom: CustomObjectsApi;
  let namespace: string;
  const apps: Resource = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural };
  const scheduled: Resource = {
    group: GROUP,
    version: VERSION,
    plural: ScheduledSparkApplicationNames.plural,
  };

  before(async () => {
    const cluster = await testCluster();
    const extensions = cluster.kc.makeApiClient(ApiextensionsV1Api);
    for (const crd of crdsForClient()) {
      const name = crd.metadata!.name!;
      try {
        await extensions.createCustomResourceDefinition({ body: crd });
      } catch (error) {
        if (!isCode(409)(error as { code?: number })) throw error;
        const current = await extensions.readCustomResourceDefinition({ name });
        crd.metadata!.resourceVersion = current.metadata!.resourceVersion!;
        await extensions.replaceCustomResourceDefinition({ name, body: crd });
      }
      for (let attempt = 0; ; attempt++) {
        const current = await extensions.readCustomResourceDefinition({ name });
        const conditions = current.status?.conditions ?? [];
        assert.ok(!conditions.some((condition) => condition.type === "NonStructuralSchema"), name);
        if (conditions.some((condition) => condition.type === "Established" && condition.status === "True"))
          break;
        assert.ok(attempt < 100, `${name} never became Established`);
        await sleep(100);
      }
    }
    namespace = (await freshNamespace("api")).name;
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
  });

  /** Creates the object (retrying while the new resource is not served yet) and reads it back. */
  async function roundTrip(target: Resource, body: object, name: string): Promise<Stored> {
    for (let attempt = 0; ; attempt++) {
      try {
        await create(target, body);
        break;
      } catch (error) {
        if (!isCode(404)(error as { code?: number }) || attempt > 50) throw error;
        await sleep(100);
      }
    }
    return (await custom.getNamespacedCustomObject({ ...target, namespace, name })) as Stored;
  }

  function create(target: Resource, body: object) {
    const object = body as { metadata?: object };
    const inNamespace = { ...object, metadata: { ...object.metadata, namespace } };
    return custom.createNamespacedCustomObject({ ...target, namespace, body: inNamespace });
  }

  it("keeps every SparkApplication field as written", async () => {
    const app = {
      ...sparkPiApp({}, "every-field"),
      spec: { ...everyFieldSpec(), nodeSelector: { zone: "a" } },
    };
    const stored = await roundTrip(apps, app, "every-field");
    assert.deepEqual(stored.spec, app.spec);
  });

  it("keeps the seed examples as written", async () => {
    for (const file of readdirSync(SEEDS).filter((name) => name.endsWith(".yaml"))) {
      const app = parse(readFileSync(new URL(file, SEEDS), "utf8")) as SparkApplication;
      if (app.kind !== "SparkApplication") continue; // seed 004's ResourcePolicy is kept there too
      // Named after the file: two seeds may share an app name.
      const name = `seed-${file.replace(/\.yaml$/, "").replace(/[^a-z0-9-]/g, "-")}`;
      const stored = await roundTrip(apps, { ...app, metadata: { name } }, name);
      assert.deepEqual(stored.spec, app.spec, file);
    }
  });

  it("keeps every ScheduledSparkApplication field as written", async () => {
    const spec = {
      schedule: "*/5 * * * *",
      timeZone: "Europe/Paris",
      template: everyFieldSpec(),
      suspend: true,
      concurrencyPolicy: "Forbid",
      successfulRunHistoryLimit: 2,
      failedRunHistoryLimit: 0,
      startingDeadlineSeconds: 300,
    };
    const body = {
      apiVersion: API_VERSION,
      kind: ScheduledSparkApplicationNames.kind,
      metadata: { name: "every" },
      spec,
    };
    assert.deepEqual((await roundTrip(scheduled, body, "every")).spec, spec);
  });

  it("rejects what the schema forbids", async () => {
    const invalid: [string, object][] = [
      ["zero-cores", { driver: { cores: 0 } }],
      ["unknown-type", { type: "Go" }],
      ["zero-instances", { executor: { instances: 0 } }],
      [
        "low-port",
        {
          monitoring: {
            exposeDriverMetrics: true,
            exposeExecutorMetrics: true,
            prometheus: { jmxExporterJar: "j", port: 80 },
          },
        },
      ],
    ];
    for (const [name, overrides] of invalid) {
      const body = sparkPiApp(overrides as never, name);
      await assert.rejects(create(apps, body), isCode(422), name);
    }
    const { driver: _driver, ...withoutDriver } = sparkPiApp().spec;
    const body = { ...sparkPiApp({}, "no-driver"), spec: withoutDriver };
    await assert.rejects(create(apps, body), isCode(422));
  });

  it("stores status through the status subresource and checks its states", async () => {
    const stored = await roundTrip(apps, sparkPiApp({}, "with-status"), "with-status");
    const status: SparkApplicationStatus = {
      sparkApplicationId: "spark-0123456789abcdef0123456789abcdef",
      submissionID: "5f0c2f36-2b1e-4a5c-9d43-8f1b0f0e8a11",
      lastSubmissionAttemptTime: "2024-01-20T10:47:14Z",
      terminationTime: "2024-01-20T10:48:56Z",
      driverInfo: { podName: "with-status-driver", webUIServiceName: "with-status-ui-svc", webUIPort: 4040 },
      applicationState: { state: "COMPLETED", errorMessage: "" },
      executorState: { "with-status-exec-1": "COMPLETED" },
      executionAttempts: 1,
      submissionAttempts: 1,
    };
    const name = "with-status";
    await custom.replaceNamespacedCustomObjectStatus({
      ...apps,
      namespace,
      name,
      body: { ...stored, status },
    });
    const read = (await custom.getNamespacedCustomObject({ ...apps, namespace, name })) as Stored;
    assert.deepEqual(read.status, status);
    const bogus = { ...read, status: { applicationState: { state: "DONE" } } };
    await assert.rejects(
      custom.replaceNamespacedCustomObjectStatus({ ...apps, namespace, name, body: bogus }),
      isCode(422),
    );
  });
});
