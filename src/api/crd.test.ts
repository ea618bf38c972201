import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Type } from "@sinclair/typebox";
import { parse } from "yaml";
import {
  type CustomResourceDefinition,
  type JSONSchemaProps,
  NonStructuralSchemaError,
  scheduledSparkApplicationCrd,
  sparkApplicationCrd,
  sparkConnectCrd,
  sparkQueueCrd,
  toStructuralSchema,
} from "./crd.js";
import { CRD_DIRECTORIES, crdManifests } from "./crd-manifests.js";
import { IntOrString, StringEnum, StringMap } from "./schema.js";

const REPO_ROOT = new URL("../../../", import.meta.url);

/** Every keyword apiextensions/v1 accepts in a structural schema that the generator may emit. */
const ALLOWED_KEYWORDS = new Set([
  "type",
  "format",
  "description",
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "required",
  "items",
  "properties",
  "additionalProperties",
  "anyOf",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
]);

function rootSchema(crd: CustomResourceDefinition): JSONSchemaProps {
  return crd.spec.versions[0]!.schema.openAPIV3Schema;
}

/** Asserts the structural-schema rules kube-apiserver enforces, for every node below `node`. */
function assertStructural(node: JSONSchemaProps, path: string): void {
  for (const keyword of Object.keys(node)) {
    assert.ok(ALLOWED_KEYWORDS.has(keyword), `${path}: keyword ${keyword} is not allowed`);
  }
  if (node["x-kubernetes-int-or-string"]) {
    assert.deepEqual(node.anyOf, [{ type: "integer" }, { type: "string" }], `${path}: int-or-string form`);
    assert.equal(node.type, undefined, `${path}: int-or-string has no type`);
    return;
  }
  assert.equal(node.anyOf, undefined, `${path}: anyOf only for int-or-string`);
  assert.ok(node.type, `${path}: every node needs a type`);
  if (node.properties !== undefined || node.additionalProperties !== undefined) {
    assert.equal(node.type, "object", `${path}: only objects have properties`);
  }
  assert.ok(
    node.properties === undefined || node.additionalProperties === undefined,
    `${path}: properties and additionalProperties are mutually exclusive`,
  );
  assert.equal(
    typeof (node.additionalProperties ?? {}),
    "object",
    `${path}: additionalProperties is a schema`,
  );
  if (node.type === "array") assert.ok(node.items, `${path}: arrays need items`);
  if (node.enum) {
    for (const value of node.enum) assert.equal(typeof value, node.type === "integer" ? "number" : node.type);
  }
  for (const name of node.required ?? []) {
    assert.ok(node.properties?.[name], `${path}: required ${name} is not a property`);
  }
  for (const [name, child] of Object.entries(node.properties ?? {}))
    assertStructural(child, `${path}.${name}`);
  if (node.additionalProperties) assertStructural(node.additionalProperties, `${path}[*]`);
  if (node.items) assertStructural(node.items, `${path}[]`);
}

function at(schema: JSONSchemaProps, path: string): JSONSchemaProps {
  let node = schema;
  for (const step of path.split(".")) {
    const next =
      step === "[]" ? node.items : step === "[*]" ? node.additionalProperties : node.properties?.[step];
    assert.ok(next, `no ${step} in ${path}`);
    node = next;
  }
  return node;
}

describe("SparkConnect CRD", () => {
  it("is kubeflow's v1alpha1: short name sparkconn, its printer columns, its required fields", () => {
    const crd = sparkConnectCrd();
    const version = crd.spec.versions[0]!;
    assert.equal(crd.metadata.name, "sparkconnects.sparkoperator.k8s.io");
    assert.deepEqual(crd.spec.names.shortNames, ["sparkconn"]);
    assert.equal(version.name, "v1alpha1");
    assert.deepEqual(
      version.additionalPrinterColumns.map((c) => [c.name, c.jsonPath]),
      [
        ["Age", ".metadata.creationTimestamp"],
        ["Status", ".status.state"],
        ["PodName", ".status.server.podName"],
      ],
    );
    const spec = at(version.schema.openAPIV3Schema, "spec");
    assert.deepEqual(spec.required, ["sparkVersion", "server", "executor"]);
    assert.equal(at(spec, "executor.instances").minimum, 0);
    assert.equal(at(spec, "server.cores").minimum, 1);
    assert.equal(at(spec, "server.template")["x-kubernetes-preserve-unknown-fields"], true);
    assertStructural(version.schema.openAPIV3Schema, "sparkconnect");
  });
});

describe("CRDs", () => {
  const crds = [sparkApplicationCrd(), scheduledSparkApplicationCrd()];

  it("match the committed config/crd and chart crds/ files (regenerate with npm run gen:manifests)", () => {
    for (const directory of CRD_DIRECTORIES) {
      for (const manifest of crdManifests()) {
        const committed = readFileSync(new URL(`${directory}/${manifest.fileName}`, REPO_ROOT), "utf8");
        assert.equal(committed, manifest.content, `${directory}/${manifest.fileName} is stale`);
      }
    }
  });

  it("render to YAML that reads back as the same object", () => {
    const manifests = crdManifests();
    assert.deepEqual(
      manifests.map((manifest) => manifest.fileName),
      [
        "sparkoperator.k8s.io_sparkapplications.yaml",
        "sparkoperator.k8s.io_scheduledsparkapplications.yaml",
        "sparkoperator.k8s.io_sparkconnects.yaml",
        "sparkplane.io_sparkqueues.yaml",
      ],
    );
    const all = [...crds, sparkConnectCrd(), sparkQueueCrd()];
    manifests.forEach((manifest, index) => {
      assert.deepEqual(parse(manifest.content), all[index]);
    });
  });

  it("are plain JSON (no TypeBox symbols or functions)", () => {
    for (const crd of crds) assert.deepEqual(JSON.parse(JSON.stringify(crd)), crd);
  });

  for (const crd of crds) {
    it(`${crd.spec.names.kind}: is structural`, () => {
      assertStructural(rootSchema(crd), crd.spec.names.kind);
      assert.deepEqual(at(rootSchema(crd), "metadata"), { type: "object" });
      assert.deepEqual(rootSchema(crd).required, ["metadata", "spec"]);
    });
    it(`${crd.spec.names.kind}: is namespaced, served and stored as v1beta2 with a status subresource`, () => {
      assert.equal(crd.metadata.name, `${crd.spec.names.plural}.sparkoperator.k8s.io`);
      // *.k8s.io is a protected group: without the approval annotation the CRD is refused.
      assert.match(
        crd.metadata.annotations?.["api-approved.kubernetes.io"] ?? "",
        /^(https:\/\/|unapproved)/,
      );
      assert.equal(crd.spec.scope, "Namespaced");
      assert.equal(crd.spec.versions.length, 1);
      const [version] = crd.spec.versions;
      assert.deepEqual([version!.name, version!.served, version!.storage], ["v1beta2", true, true]);
      assert.deepEqual(version!.subresources, { status: {} });
    });
  }

  it("SparkApplication: names and printer columns", () => {
    const crd = sparkApplicationCrd();
    assert.deepEqual(crd.spec.names.shortNames, ["sparkapp"]);
    assert.equal(crd.spec.names.plural, "sparkapplications");
    const columns = crd.spec.versions[0]!.additionalPrinterColumns;
    assert.deepEqual(
      columns
        .filter((column) => column.priority === undefined)
        .map((column) => [column.name, column.jsonPath]),
      [
        ["Status", ".status.applicationState.state"],
        ["Attempts", ".status.executionAttempts"],
        ["Start", ".status.lastSubmissionAttemptTime"],
        ["Finish", ".status.terminationTime"],
        ["Age", ".metadata.creationTimestamp"],
      ],
    );
  });

  it("ScheduledSparkApplication: names and printer columns", () => {
    const crd = scheduledSparkApplicationCrd();
    assert.deepEqual(crd.spec.names.shortNames, ["scheduledsparkapp"]);
    assert.deepEqual(
      crd.spec.versions[0]!.additionalPrinterColumns.map((column) => [column.name, column.jsonPath]),
      [
        ["Schedule", ".spec.schedule"],
        ["Suspend", ".spec.suspend"],
        ["Last Run", ".status.lastRun"],
        ["Next Run", ".status.nextRun"],
        ["Age", ".metadata.creationTimestamp"],
      ],
    );
  });

  it("SparkApplication: required fields, enums and bounds", () => {
    const root = rootSchema(sparkApplicationCrd());
    const spec = at(root, "spec");
    assert.deepEqual(spec.required, ["type", "sparkVersion", "mainApplicationFile", "driver", "executor"]);
    assert.deepEqual(at(spec, "type").enum, ["Java", "Python", "Scala", "R"]);
    assert.deepEqual(at(spec, "mode").enum, ["cluster", "client"]);
    assert.deepEqual(at(spec, "pythonVersion").enum, ["2", "3"]);
    assert.deepEqual(at(spec, "restartPolicy.type").enum, ["Never", "OnFailure", "Always"]);
    assert.deepEqual(at(spec, "driver.secrets.[].secretType").enum, [
      "GCPServiceAccount",
      "HadoopDelegationToken",
      "Generic",
    ]);
    assert.equal(at(spec, "driver.cores").minimum, 1);
    assert.equal(at(spec, "executor.cores").minimum, 1);
    assert.equal(at(spec, "executor.instances").minimum, 1);
    assert.equal(at(spec, "restartPolicy.onFailureRetries").minimum, 0);
    assert.equal(at(spec, "restartPolicy.onSubmissionFailureRetries").minimum, 0);
    assert.equal(at(spec, "restartPolicy.onFailureRetryInterval").minimum, 1);
    assert.equal(at(spec, "restartPolicy.onSubmissionFailureRetryInterval").minimum, 1);
    const port = at(spec, "monitoring.prometheus.port");
    assert.deepEqual([port.minimum, port.maximum], [1024, 49151]);
    assert.deepEqual(at(spec, "monitoring.prometheus").required, ["jmxExporterJar"]);
    assert.deepEqual(at(spec, "driver.ports.[]").required, ["name", "protocol", "containerPort"]);
    assert.deepEqual(at(spec, "driverIngressOptions.[]").required, ["servicePort", "servicePortName"]);
    assert.deepEqual(at(root, "status.applicationState.state").enum?.[0], "");
    assert.deepEqual(at(root, "status.executorState.[*]").enum, [
      "PENDING",
      "RUNNING",
      "COMPLETED",
      "FAILED",
      "UNKNOWN",
    ]);
    assert.equal(at(root, "status.terminationTime").format, "date-time");
  });

  it("SparkApplication: maps, embedded Kubernetes objects and quantities", () => {
    const spec = at(rootSchema(sparkApplicationCrd()), "spec");
    for (const map of ["sparkConf", "hadoopConf", "nodeSelector", "driver.labels", "executor.annotations"]) {
      const { type, additionalProperties, properties } = at(spec, map);
      assert.deepEqual(
        { type, additionalProperties, properties },
        {
          type: "object",
          additionalProperties: { type: "string" },
          properties: undefined,
        },
      );
    }
    for (const list of [
      "volumes",
      "driver.sidecars",
      "executor.initContainers",
      "driver.env",
      "driver.tolerations",
    ]) {
      const item = at(spec, `${list}.[]`);
      assert.equal(item.type, "object", list);
      assert.equal(item["x-kubernetes-preserve-unknown-fields"], true, list);
    }
    for (const object of [
      "driver.template",
      "driver.affinity",
      "executor.podSecurityContext",
      "driver.lifecycle",
    ]) {
      assert.deepEqual(
        at(spec, object),
        { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        object,
      );
    }
    assert.deepEqual(at(spec, "driver.env.[]").required, ["name"]);
    assert.deepEqual(at(spec, "batchSchedulerOptions.resources.[*]"), {
      "x-kubernetes-int-or-string": true,
      anyOf: [{ type: "integer" }, { type: "string" }],
    });
  });

  it("ScheduledSparkApplication: the template is the SparkApplication spec", () => {
    const scheduled = at(rootSchema(scheduledSparkApplicationCrd()), "spec");
    assert.deepEqual(at(scheduled, "template"), at(rootSchema(sparkApplicationCrd()), "spec"));
    assert.deepEqual(scheduled.required, ["schedule", "template"]);
    assert.deepEqual(at(scheduled, "concurrencyPolicy").enum, ["Allow", "Forbid", "Replace"]);
    for (const field of ["successfulRunHistoryLimit", "failedRunHistoryLimit", "startingDeadlineSeconds"]) {
      assert.equal(at(scheduled, field).minimum, 0, field);
    }
    const status = at(rootSchema(scheduledSparkApplicationCrd()), "status");
    assert.deepEqual(at(status, "scheduleState").enum, ["", "Validating", "Scheduled", "FailedValidation"]);
  });
});

describe("toStructuralSchema", () => {
  it("turns literal unions into enums, records into additionalProperties", () => {
    assert.deepEqual(toStructuralSchema(StringEnum(["a", "b"], { description: "d" })), {
      type: "string",
      enum: ["a", "b"],
      description: "d",
    });
    assert.deepEqual(toStructuralSchema(Type.Literal(3)), { type: "integer", enum: [3] });
    assert.deepEqual(toStructuralSchema(StringMap()), {
      type: "object",
      additionalProperties: { type: "string" },
    });
    assert.deepEqual(toStructuralSchema(IntOrString()), {
      "x-kubernetes-int-or-string": true,
      anyOf: [{ type: "integer" }, { type: "string" }],
    });
  });

  it("drops TypeBox's closed-object marker and ids", () => {
    const closed = Type.Object({ a: Type.String() }, { additionalProperties: false, $id: "X" });
    assert.deepEqual(toStructuralSchema(closed), {
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
    });
  });

  const nonStructural: [string, unknown][] = [
    ["an untyped node", Type.Unknown()],
    ["any", Type.Any()],
    ["a union of different shapes", Type.Union([Type.String(), Type.Object({})])],
    ["a mixed-type enum", Type.Union([Type.Literal("a"), Type.Literal(1)])],
    ["additionalProperties as a schema", Type.Object({}, { additionalProperties: Type.String() })],
    ["a keyword with no CRD form", Type.Array(Type.String(), { uniqueItems: true })],
    ["a reference", Type.Ref("Other")],
    ["an untyped nested node", Type.Object({ inner: Type.Object({ deep: Type.Unknown() }) })],
  ];
  for (const [what, schema] of nonStructural) {
    it(`rejects ${what}`, () => {
      assert.throws(() => toStructuralSchema(schema as never), NonStructuralSchemaError);
    });
  }
});

describe("SparkQueue CRD", () => {
  const crd = sparkQueueCrd();
  it("is cluster-scoped sparkplane.io/v1alpha1, needs no approval annotation, has a status subresource", () => {
    assert.equal(crd.metadata.name, "sparkqueues.sparkplane.io");
    assert.equal(crd.metadata.annotations, undefined);
    assert.equal(crd.spec.scope, "Cluster");
    assert.deepEqual(
      crd.spec.versions.map((v) => [v.name, v.served, v.storage]),
      [["v1alpha1", true, true]],
    );
    assert.deepEqual(crd.spec.versions[0]!.subresources, { status: {} });
  });
  it("takes quotas as quantities and shows used vs quota in kubectl get", () => {
    const quota = at(rootSchema(crd), "spec.quota.cpu");
    assert.equal(quota["x-kubernetes-int-or-string"], true);
    const columns = crd.spec.versions[0]!.additionalPrinterColumns.map((c) => c.name);
    assert.deepEqual(columns.slice(0, 6), [
      "Running",
      "Waiting",
      "CPU Used",
      "CPU Quota",
      "Memory Used",
      "Memory Quota",
    ]);
  });
});
