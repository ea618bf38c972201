/**
 * Differential test: the objects NativeSubmitter creates against those the real spark-submit creates for the
 * same SparkApplication, against the same API server. Generated ids and timestamps are normalised; every other
 * difference must be listed in ALLOWED below with its reason (docs/submission-differences.md is its prose form).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
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
const skip = !process.env.SPARKPLANE_TEST_STATE_DIR
  ? "needs the cluster of `npm test`"
  : !toolset.spark || !toolset.examples
    ? "Spark is not provisioned"
    : false;

interface Allowed {
  id: string;
  /** Matches the difference's path. */
  path: RegExp;
  /** Only in these specs (default: any). */
  specs?: string[];
  /** Further condition on the two values: the difference must be exactly the expected one. */
  when?: (d: Difference) => boolean;
  reason: string;
}

const DRIVER_CONTAINER = String.raw`pods\[[^\]]+\]\.spec\.containers\[spark-kubernetes-driver\]`;
const PROPERTIES = String.raw`configMaps\[spark-drv-<unique-id>-conf-map\]\.data\[spark\.properties\]\.properties`;
const path = (...parts: string[]) => new RegExp(`^${parts.join("")}$`);
/** The user spark-submit runs as: Utils.getCurrentUserName (SPARK_USER, else the Hadoop login user). */
const submittingUser = process.env.SPARK_USER ?? userInfo().username;

/**
 * Every intentional difference between the objects of native submission (`native`) and of the real
 * spark-submit (`sparkSubmit`), with its reason. docs/submission-differences.md is the prose form of this list.
 */
const ALLOWED: Allowed[] = [
  {
    id: "spark-user",
    path: path(DRIVER_CONTAINER, String.raw`\.env\.SPARK_USER\.value`),
    when: (d) => d.native === "spark" && d.sparkSubmit === submittingUser,
    reason:
      "spark-submit puts the OS user it runs as into SPARK_USER (for an operator, the operator's own user, " +
      "meaningless to the app); native submission uses `spark` unless spec.proxyUser is set (then both use it).",
  },
  {
    id: "driver-pod-template-properties",
    path: path(PROPERTIES, String.raw`\[spark\.kubernetes\.driver\.podTemplate(File|ContainerName)\]`),
    when: (d) => d.native === undefined && typeof d.sparkSubmit === "string",
    reason:
      "The spark-submit submitter hands the fields Spark's configuration cannot carry (sparkplane has no " +
      "mutating webhook) to spark-submit as a driver pod template file in a temporary directory; Spark copies " +
      "both settings into spark.properties. Native submission builds the driver pod itself: no template.",
  },
  {
    id: "spark-conf-dir-order",
    specs: ["env-secrets"],
    path: path(DRIVER_CONTAINER, String.raw`\.env(\.SPARK_CONF_DIR|\[SPARK_CONF_DIR#2\])\.value`),
    when: (d) =>
      (d.path.endsWith(".SPARK_CONF_DIR.value") &&
        d.native === "/opt/spark/conf" &&
        d.sparkSubmit === "/etc/spark/conf") ||
      (d.path.endsWith("[SPARK_CONF_DIR#2].value") &&
        d.native === "/etc/spark/conf" &&
        d.sparkSubmit === "/opt/spark/conf"),
    reason:
      "spec.sparkConfigMap: the kubeflow webhook appends SPARK_CONF_DIR=/etc/spark/conf after the one Spark " +
      "sets, so the ConfigMap's directory wins; native submission keeps that order. Through spark-submit the " +
      "template's variable comes first and Spark's /opt/spark/conf (added last by the submission client) wins.",
  },
  {
    id: "driver-memory-limit",
    specs: ["resources"],
    path: path(DRIVER_CONTAINER, String.raw`\.resources\.limits\.memory`),
    when: (d) => d.native === "4Gi" && d.sparkSubmit === "2560Mi",
    reason:
      "spec.driver.memoryLimit: the kubeflow webhook sets it after Spark built the pod, as native submission " +
      "does; Spark overwrites a template's memory limit with its own request (memory + overhead), so through " +
      "spark-submit the limit is lost.",
  },
  {
    id: "carriage-return",
    specs: ["unusual-conf"],
    path: path(PROPERTIES, String.raw`\[spark\.test\.newline\]`),
    when: (d) =>
      typeof d.native === "string" &&
      d.native.includes("\r") &&
      d.native.replaceAll("\r", "") === d.sparkSubmit,
    reason:
      "bin/spark-class deletes every carriage return from the arguments it hands to SparkSubmit (a " +
      "workaround for Windows line ends); native submission writes the value as given.",
  },
  {
    id: "local-files-not-uploaded",
    specs: ["deps"],
    path: path(PROPERTIES, String.raw`\[spark\.(jars|files)\]`),
    when: (d) =>
      typeof d.native === "string" &&
      typeof d.sparkSubmit === "string" &&
      d.native.includes("file:/") &&
      !d.native.includes("spark-upload-") &&
      d.sparkSubmit.includes("/upload/spark-upload-<uuid>/"),
    reason:
      "spark-submit copies local (file:) jars and files to spark.kubernetes.file.upload.path and lists the " +
      "uploaded copies first; native submission never uploads (the local node agent runs pods on this machine, " +
      "where the paths are valid) and keeps the list as written.",
  },
  {
    id: "spark-version-label",
    specs: ["labels-annotations"],
    path: /^(pods\[[^\]]+\]\.metadata\.labels|services\[[^\]]+\]\.spec\.selector)\[spark-version\]$/,
    when: (d) => d.native === "3.5.3" && d.sparkSubmit === toolset.spark?.version,
    reason:
      "spark-version: native submission takes spec.sparkVersion (the version of the image that will run); " +
      "spark-submit writes the version of the spark-submit that ran.",
  },
  {
    id: "prometheus-configmap",
    specs: ["monitoring"],
    path: /^configMaps\[monitoring-prom-conf\]$/,
    when: (d) => d.sparkSubmit === undefined && d.native !== undefined,
    reason:
      "The <app>-prom-conf ConfigMap (spec.monitoring.prometheus) is created by the operator, not by " +
      "spark-submit; NativeSubmitter creates it as part of the submission.",
  },
];

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Specs whose driver gets the default scratch directory (the others mount a spark-local-dir volume). */
const localDirsDefaulted = (spec: string) => spec !== "volumes";

const allowedBy = (spec: string, d: Difference) =>
  ALLOWED.find((a) => a.path.test(d.path) && (!a.specs || a.specs.includes(spec)) && (!a.when || a.when(d)));

describe("differential: native submission vs spark-submit", { skip, timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let master: string;
  const used = new Set<string>();
  /** Specs compared without an unlisted difference. */
  const passed = new Set<string>();
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

  for (const diffSpec of SPECS) {
    it(`${diffSpec.name}: ${diffSpec.covers}`, { timeout: 240_000 }, async () => {
      const { name: namespace } = await freshNamespace("diff");
      const core = cluster.kc.makeApiClient(CoreV1Api);
      const custom = cluster.kc.makeApiClient(CustomObjectsApi);
      const dir = mkdtempSync(join(tmpdir(), `sparkplane-diff-${diffSpec.name}-`));
      try {
        const ctx = {
          dir,
          jar: toolset.examples!.jar,
          sparkVersion: toolset.spark!.version,
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

        const native = await new NativeSubmitter(new JsonClient(cluster.kc), { master }).submit(app, action);
        assert.ok(native.ok, `native submission failed: ${native.ok ? "" : native.error}`);
        const nativeObjects = await capture(core, namespace);
        assert.equal(nativeObjects.pods.length, 1);
        await wipe(core, namespace, nativeObjects);

        const { sparkSubmit, sparkHome } = toolset.spark!;
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
        console.log(`${diffSpec.name}: spark-submit took ${Date.now() - started} ms`);

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
        report[diffSpec.name] = {
          differences: found,
          sparkSubmit: sparkView,
          rawIds: { native: generatedIds(nativeObjects), sparkSubmit: sparkIds },
        };
        const unlisted = found.filter((d) => {
          const rule = allowedBy(diffSpec.name, d);
          if (rule) used.add(rule.id);
          return !rule;
        });
        assert.deepEqual(unlisted, [], `differences not in the allow-list (${diffSpec.name})`);
        passed.add(diffSpec.name);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await core.deleteNamespace({ name: namespace }).catch(() => {});
      }
    });
  }

  it("every allow-list entry was observed (the list is exactly what differs)", (t) => {
    if (passed.size < SPECS.length) {
      t.skip("meaningful only when every spec ran and passed");
      return;
    }
    assert.deepEqual(
      ALLOWED.map((a) => a.id).filter((id) => !used.has(id)),
      [],
    );
  });
});
