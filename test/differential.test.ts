/**
 * Differential test: the objects NativeSubmitter creates against those the real spark-submit creates for the
 * same SparkApplication, against the same API server. Generated ids and timestamps are normalised; every other
 * difference must be listed in ALLOWED below with its reason (docs/submission-differences.md is its prose form).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { API_VERSION, GROUP, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { JsonClient } from "../src/kube/json-client.js";
import { findToolset } from "../src/local/provision/index.js";
import { driverPodNameFor } from "../src/operator/controllers/sparkapplication/decide/index.js";
import { ensureCrds } from "../src/operator/crds.js";
import { NativeSubmitter } from "../src/operator/submitters/native.js";
import { SparkSubmitSubmitter } from "../src/operator/submitters/spark-submit.js";
import { defaultLocalDirUuid, submissionIdentity } from "../src/submit/names.js";
import { freshNamespace, type TestCluster, testCluster } from "./cluster.js";
import { ALLOWED } from "./differential/allowed.js";
import {
  capture,
  type Difference,
  differences,
  generatedIds,
  normalise,
  wipe,
} from "./differential/objects.js";
import { SPECS } from "./differential/specs.js";
import { eventually } from "./kube-helpers.js";

const toolset = findToolset();
/** Each provisioned Spark's spark-submit is compared with native submission for the same spec.sparkVersion. */
const SPARKS = [
  { spark: toolset.spark, examples: toolset.examples },
  { spark: toolset.spark4, examples: toolset.examples4 },
].flatMap(({ spark, examples }) => (spark && examples ? [{ spark, examples }] : []));
const skip = !process.env.SPARKPLANE_TEST_STATE_DIR
  ? "needs the cluster of `npm test`"
  : SPARKS.length === 0
    ? "Spark is not provisioned"
    : false;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Specs whose driver gets the default scratch directory (the others mount a spark-local-dir volume). */
const localDirsDefaulted = (spec: string) => spec !== "volumes";

const majorOf = (version: string) => Number.parseInt(version, 10);
const allowedBy = (spec: string, d: Difference, sparkVersion: string) =>
  ALLOWED.find(
    (a) =>
      a.path.test(d.path) &&
      (!a.specs || a.specs.includes(spec)) &&
      (!a.majors || a.majors.includes(majorOf(sparkVersion))) &&
      (!a.when || a.when(d, sparkVersion)),
  );

describe("differential: native submission vs spark-submit", { skip, timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let master: string;
  /** Per Spark version: the allow-list entries used, and the specs compared without an unlisted difference. */
  const used = new Map<string, Set<string>>();
  const passed = new Map<string, Set<string>>();
  const report: Record<string, { differences: Difference[]; sparkSubmit: unknown; rawIds: unknown }> = {};

  const savedJvmOptions = {
    submit: process.env.SPARK_SUBMIT_OPTS,
    launcher: process.env.SPARK_LAUNCHER_OPTS,
  };

  before(async () => {
    cluster = await testCluster();
    await ensureCrds(cluster.kc);
    master = `k8s://${cluster.kc.getCurrentCluster()!.server}`;
    // JIT and GC choices only (spark-submit's two short-lived JVMs start about twice as fast); no effect on
    // what spark-submit creates. SparkSubmitSubmitter passes this process's environment on.
    const fast = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    process.env.SPARK_SUBMIT_OPTS = `${savedJvmOptions.submit ?? ""} ${fast}`.trim();
    process.env.SPARK_LAUNCHER_OPTS = `${savedJvmOptions.launcher ?? ""} ${fast}`.trim();
  });

  after(() => {
    for (const [name, value] of [
      ["SPARK_SUBMIT_OPTS", savedJvmOptions.submit],
      ["SPARK_LAUNCHER_OPTS", savedJvmOptions.launcher],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    // SPARKPLANE_DIFF_DUMP=<file>: every difference found (allowed or not) and spark-submit's normalised
    // objects, for inspection.
    const dump = process.env.SPARKPLANE_DIFF_DUMP;
    if (dump) writeFileSync(dump, JSON.stringify(report, null, 1));
  });

  for (const { spark, examples } of SPARKS)
    for (const diffSpec of SPECS) {
      const title = spark === SPARKS[0]?.spark ? diffSpec.name : `Spark ${spark.version} ${diffSpec.name}`;
      it(`${title}: ${diffSpec.covers}`, { timeout: 240_000 }, async () => {
        const { name: namespace } = await freshNamespace("diff");
        const core = cluster.kc.makeApiClient(CoreV1Api);
        const custom = cluster.kc.makeApiClient(CustomObjectsApi);
        const dir = mkdtempSync(join(tmpdir(), `sparkplane-diff-${diffSpec.name}-`));
        try {
          const ctx = {
            dir,
            jar: examples.jar,
            sparkVersion: spark.version,
            core,
            namespace,
          };
          await diffSpec.setup?.(ctx);
          // The ServiceAccount admission plugin refuses pods until the namespace's default account exists.
          await eventually(
            "the default ServiceAccount",
            () =>
              core.readNamespacedServiceAccount({ namespace, name: "default" }).then(
                () => true,
                () => false,
              ),
            30_000,
          );
          const app = (await custom.createNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural: SparkApplicationNames.plural,
            body: {
              apiVersion: API_VERSION,
              kind: SparkApplicationNames.kind,
              metadata: {
                name: diffSpec.appName ?? diffSpec.name,
                namespace,
                ...(diffSpec.labels ? { labels: diffSpec.labels } : {}),
              },
              spec: diffSpec.spec(ctx),
            },
          })) as SparkApplication;
          const action = {
            kind: "submit" as const,
            attempt: 1,
            driverPodName: driverPodNameFor(app),
            requestedAt: Date.now(),
          };

          const native = await new NativeSubmitter(new JsonClient(cluster.kc), { master }).submit(
            app,
            action,
          );
          assert.ok(native.ok, `native submission failed: ${native.ok ? "" : native.error}`);
          const nativeObjects = await capture(core, namespace);
          assert.equal(nativeObjects.pods.length, 1);
          await wipe(core, namespace, nativeObjects);

          const { sparkSubmit, sparkHome } = spark;
          const started = Date.now();
          const submitted = await new SparkSubmitSubmitter({
            sparkSubmit,
            sparkHome,
            master,
            kubeconfigPath: cluster.kubeconfig,
            timeoutMs: 120_000,
          }).submit(app, action);
          assert.ok(submitted.ok, `spark-submit failed: ${submitted.ok ? "" : submitted.error}`);
          const sparkObjects = await capture(core, namespace);
          assert.equal(sparkObjects.pods.length, 1);
          console.log(`${title}: spark-submit took ${Date.now() - started} ms`);

          // How each side draws the ids that normalisation hides: native ones derive from the app's uid, generation
          // and attempt (so a retried submission finds its objects), Spark's are random.
          const identity = submissionIdentity({
            uid: app.metadata.uid!,
            namespace,
            name: app.metadata.name!,
            attempt: action.attempt,
            generation: app.metadata.generation,
            now: action.requestedAt,
          });
          assert.deepEqual(generatedIds(nativeObjects), {
            appId: identity.appId,
            submissionId: identity.submissionId,
            serviceId: identity.uniqueId,
            confMapId: identity.uniqueId,
            resourcePrefixId: identity.uniqueId,
            ...(localDirsDefaulted(diffSpec.name) ? { localDirUuid: defaultLocalDirUuid(identity) } : {}),
          });
          const sparkIds = generatedIds(sparkObjects);
          assert.match(sparkIds.appId ?? "", /^spark-[0-9a-f]{32}$/);
          // The spark-submit submitter stamps the same submission id (the label is the operator's, not Spark's).
          assert.equal(sparkIds.submissionId, identity.submissionId);
          assert.match(sparkIds.serviceId ?? "", /^[0-9a-f]{7,16}$/);
          assert.match(sparkIds.confMapId ?? "", /^[0-9a-f]{7,16}$/);
          assert.match(sparkIds.resourcePrefixId ?? "", /^[0-9a-f]{7,16}$/);
          if (localDirsDefaulted(diffSpec.name)) assert.match(sparkIds.localDirUuid ?? "", UUID_V4);

          const sparkView = normalise(sparkObjects);
          const found = differences(normalise(nativeObjects), sparkView);
          report[title] = {
            differences: found,
            sparkSubmit: sparkView,
            rawIds: { native: generatedIds(nativeObjects), sparkSubmit: sparkIds },
          };
          const usedHere = used.get(spark.version) ?? new Set<string>();
          used.set(spark.version, usedHere);
          const unlisted = found.filter((d) => {
            const rule = allowedBy(diffSpec.name, d, spark.version);
            if (rule) usedHere.add(rule.id);
            return !rule;
          });
          assert.deepEqual(unlisted, [], `differences not in the allow-list (${title})`);
          passed.set(spark.version, (passed.get(spark.version) ?? new Set()).add(diffSpec.name));
        } finally {
          rmSync(dir, { recursive: true, force: true });
          await core.deleteNamespace({ name: namespace }).catch(() => {});
        }
      });
    }

  it("every allow-list entry was observed against each Spark it names (the list is exactly what differs)", (t) => {
    const complete = SPARKS.filter(({ spark }) => passed.get(spark.version)?.size === SPECS.length);
    if (complete.length < SPARKS.length) {
      t.skip("meaningful only when every spec ran and passed");
      return;
    }
    for (const { spark } of complete)
      assert.deepEqual(
        ALLOWED.filter((a) => !a.majors || a.majors.includes(majorOf(spark.version)))
          .map((a) => a.id)
          .filter((id) => !used.get(spark.version)?.has(id)),
        [],
        `Spark ${spark.version}`,
      );
  });
});
