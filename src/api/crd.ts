/**
 * CustomResourceDefinitions generated from the TypeBox schemas, so the types and the CRDs never drift.
 * The schemas are rewritten into structural OpenAPI v3 (what kube-apiserver requires for apiextensions/v1):
 * TypeBox-only keywords dropped, literal unions as `enum`, records as `additionalProperties`.
 */
import type { TSchema } from "@sinclair/typebox";
import {
  RESOURCE_POLICY_GROUP,
  RESOURCE_POLICY_VERSION,
  ResourcePolicyNames,
} from "./resourcepolicy/constants.js";
import { ResourcePolicySpecSchema, ResourcePolicyStatusSchema } from "./resourcepolicy/resourcepolicy.js";
import { SPARKPLANE_GROUP, SPARKPLANE_VERSION, SparkQueueNames } from "./sparkplane/constants.js";
import { SparkQueueSpecSchema, SparkQueueStatusSchema } from "./sparkplane/sparkqueue.js";
import { SparkConnectNames, VERSION_V1ALPHA1 } from "./v1alpha1/constants.js";
import { SparkConnectSpecSchema, SparkConnectStatusSchema } from "./v1alpha1/sparkconnect.js";
import {
  GROUP,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
  VERSION,
} from "./v1beta2/constants.js";
import {
  ScheduledSparkApplicationSpecSchema,
  ScheduledSparkApplicationStatusSchema,
} from "./v1beta2/scheduledsparkapplication.js";
import { SparkApplicationSpecSchema, SparkApplicationStatusSchema } from "./v1beta2/sparkapplication.js";

/** The subset of apiextensions/v1 JSONSchemaProps the generated CRDs use, with their JSON names. */
export interface JSONSchemaProps {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  description?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  items?: JSONSchemaProps;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps;
  anyOf?: JSONSchemaProps[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
}

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[] };
    scope: "Namespaced" | "Cluster";
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: JSONSchemaProps };
    }[];
  };
}

/**
 * Groups under k8s.io are protected: kube-apiserver refuses their CRDs without this annotation (a URL, or a
 * value starting with "unapproved"). The API is the kubeflow spark-operator's, so it points there.
 */
export const API_APPROVAL_ANNOTATION = "api-approved.kubernetes.io";
export const API_APPROVAL = "https://github.com/kubeflow/spark-operator";

/** Keywords copied as they are; everything else is either rewritten below or rejected. */
const PASSTHROUGH_KEYWORDS = [
  "type",
  "format",
  "description",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "x-kubernetes-preserve-unknown-fields",
] as const;

/** TypeBox keywords with no meaning in a CRD. */
const IGNORED_KEYWORDS = new Set(["$id", "title", "examples", "default"]);

export class NonStructuralSchemaError extends Error {}

/** Rewrites a TypeBox schema as a structural schema; throws NonStructuralSchemaError for what has no equivalent. */
export function toStructuralSchema(schema: TSchema, path = "<root>"): JSONSchemaProps {
  const source = schema as Record<string, unknown>;
  const result: JSONSchemaProps = {};
  const handled = new Set<string>([...PASSTHROUGH_KEYWORDS, ...IGNORED_KEYWORDS]);
  for (const keyword of PASSTHROUGH_KEYWORDS) {
    if (source[keyword] !== undefined) (result as Record<string, unknown>)[keyword] = source[keyword];
  }
  if (Array.isArray(source.anyOf)) {
    handled.add("anyOf").add("x-kubernetes-int-or-string");
    Object.assign(result, fromUnion(source, path));
  }
  if (source.const !== undefined) {
    handled.add("const");
    Object.assign(result, enumOf([source.const], path));
  }
  if (source.properties !== undefined) {
    handled.add("properties").add("required");
    const properties = Object.entries(source.properties as Record<string, TSchema>);
    if (properties.length > 0) {
      result.properties = Object.fromEntries(
        properties.map(([name, property]) => [name, toStructuralSchema(property, `${path}.${name}`)]),
      );
    }
    const required = source.required as string[] | undefined;
    if (required && required.length > 0) result.required = [...required];
  }
  if (source.patternProperties !== undefined) {
    handled.add("patternProperties");
    const values = Object.values(source.patternProperties as Record<string, TSchema>);
    if (values.length !== 1 || source.properties !== undefined) {
      throw new NonStructuralSchemaError(`${path}: a map must have one value schema and no properties`);
    }
    result.additionalProperties = toStructuralSchema(values[0]!, `${path}[*]`);
  }
  if (source.additionalProperties !== undefined) {
    // TypeBox writes `additionalProperties: false|true` on closed/open objects; CRDs prune unknown fields anyway.
    handled.add("additionalProperties");
    if (typeof source.additionalProperties === "object") {
      throw new NonStructuralSchemaError(`${path}: use a Record for maps, not additionalProperties`);
    }
  }
  if (source.items !== undefined) {
    handled.add("items");
    result.items = toStructuralSchema(source.items as TSchema, `${path}[]`);
  }
  const unknown = Object.keys(source).filter((keyword) => !handled.has(keyword));
  if (unknown.length > 0) {
    throw new NonStructuralSchemaError(`${path}: no CRD equivalent for ${unknown.join(", ")}`);
  }
  if (result.type === undefined && result["x-kubernetes-int-or-string"] !== true) {
    throw new NonStructuralSchemaError(`${path}: every node of a structural schema needs a type`);
  }
  return result;
}

function fromUnion(source: Record<string, unknown>, path: string): JSONSchemaProps {
  const members = source.anyOf as Record<string, unknown>[];
  if (source["x-kubernetes-int-or-string"] === true) {
    return { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] };
  }
  if (members.every((member) => member.const !== undefined)) {
    return enumOf(
      members.map((member) => member.const),
      path,
    );
  }
  throw new NonStructuralSchemaError(`${path}: only literal unions and int-or-string have a structural form`);
}

function enumOf(values: unknown[], path: string): JSONSchemaProps {
  const types = new Set(values.map((value) => typeof value));
  const [type] = types;
  if (types.size !== 1 || (type !== "string" && type !== "number" && type !== "boolean")) {
    throw new NonStructuralSchemaError(`${path}: enum values must share one scalar type`);
  }
  return { type: type === "number" ? "integer" : type, enum: values };
}

interface ResourceNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
}

/** What one served-and-stored version of a CRD is made of. */
export interface CrdDefinition {
  group: string;
  version: string;
  scope: "Namespaced" | "Cluster";
  names: ResourceNames;
  spec: TSchema;
  status: TSchema;
  columns: PrinterColumn[];
  description: string;
}

/** Groups under k8s.io and kubernetes.io are protected and need the approval annotation. */
function isProtectedGroup(group: string): boolean {
  return /(^|\.)(k8s\.io|kubernetes\.io)$/.test(group);
}

export function customResourceDefinition(def: CrdDefinition): CustomResourceDefinition {
  const { group, names } = def;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${names.plural}.${group}`,
      ...(isProtectedGroup(group) ? { annotations: { [API_APPROVAL_ANNOTATION]: API_APPROVAL } } : {}),
    },
    spec: {
      group,
      names: { ...names, shortNames: [...names.shortNames] },
      scope: def.scope,
      versions: [
        {
          name: def.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.columns,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: def.description,
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: toStructuralSchema(def.spec, "spec"),
                status: toStructuralSchema(def.status, "status"),
              },
              required: ["metadata", "spec"],
            },
          },
        },
      ],
    },
  };
}

export function sparkApplicationCrd(): CustomResourceDefinition {
  return customResourceDefinition({
    group: GROUP,
    version: VERSION,
    scope: "Namespaced",
    names: SparkApplicationNames,
    spec: SparkApplicationSpecSchema,
    status: SparkApplicationStatusSchema,
    columns: [
      { name: "Status", type: "string", jsonPath: ".status.applicationState.state" },
      { name: "Attempts", type: "integer", jsonPath: ".status.executionAttempts" },
      { name: "Start", type: "date", jsonPath: ".status.lastSubmissionAttemptTime" },
      { name: "Finish", type: "date", jsonPath: ".status.terminationTime" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
      { name: "Suspend", type: "boolean", jsonPath: ".spec.suspend", priority: 1 },
    ],
    description: "SparkApplication runs one Apache Spark application on Kubernetes.",
  });
}

export function scheduledSparkApplicationCrd(): CustomResourceDefinition {
  return customResourceDefinition({
    group: GROUP,
    version: VERSION,
    scope: "Namespaced",
    names: ScheduledSparkApplicationNames,
    spec: ScheduledSparkApplicationSpecSchema,
    status: ScheduledSparkApplicationStatusSchema,
    columns: [
      { name: "Schedule", type: "string", jsonPath: ".spec.schedule" },
      { name: "Suspend", type: "boolean", jsonPath: ".spec.suspend" },
      { name: "Last Run", type: "date", jsonPath: ".status.lastRun" },
      // A string: kubectl prints a future `date` as "<invalid>" (it shows dates as the time since).
      { name: "Next Run", type: "string", jsonPath: ".status.nextRun" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
    description: "ScheduledSparkApplication creates SparkApplications from a template on a cron schedule.",
  });
}

/** kubeflow's SparkConnect (v1alpha1), with kubeflow's printer columns in kubeflow's order. */
export function sparkConnectCrd(): CustomResourceDefinition {
  return customResourceDefinition({
    group: GROUP,
    version: VERSION_V1ALPHA1,
    scope: "Namespaced",
    names: SparkConnectNames,
    spec: SparkConnectSpecSchema,
    status: SparkConnectStatusSchema,
    columns: [
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
      { name: "Status", type: "string", jsonPath: ".status.state" },
      { name: "PodName", type: "string", jsonPath: ".status.server.podName" },
    ],
    description: "SparkConnect runs a Spark Connect server and its executors for Spark Connect clients.",
  });
}

/**
 * ACK's ResourcePolicy, served by sparkplane where ACK's scheduler is absent. Not among `allCrds`: the
 * operator creates it only when no such CRD exists (on ACK, ACK's own stays), never replaces a foreign one.
 */
export function resourcePolicyCrd(): CustomResourceDefinition {
  return customResourceDefinition({
    group: RESOURCE_POLICY_GROUP,
    version: RESOURCE_POLICY_VERSION,
    scope: "Namespaced",
    names: ResourcePolicyNames,
    spec: ResourcePolicySpecSchema,
    status: ResourcePolicyStatusSchema,
    columns: [
      { name: "Strategy", type: "string", jsonPath: ".spec.strategy" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
    description:
      "ResourcePolicy (ACK's API) places the pods it selects in ordered units of nodes, each up to a pod maximum.",
  });
}

export function sparkQueueCrd(): CustomResourceDefinition {
  return customResourceDefinition({
    group: SPARKPLANE_GROUP,
    version: SPARKPLANE_VERSION,
    scope: "Cluster",
    names: SparkQueueNames,
    spec: SparkQueueSpecSchema,
    status: SparkQueueStatusSchema,
    columns: [
      { name: "Running", type: "integer", jsonPath: ".status.running" },
      { name: "Waiting", type: "integer", jsonPath: ".status.waiting" },
      { name: "CPU Used", type: "string", jsonPath: ".status.used.cpu" },
      { name: "CPU Quota", type: "string", jsonPath: ".spec.quota.cpu" },
      { name: "Memory Used", type: "string", jsonPath: ".status.used.memory" },
      { name: "Memory Quota", type: "string", jsonPath: ".spec.quota.memory" },
      { name: "Priority", type: "integer", jsonPath: ".spec.priority", priority: 1 },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
    description:
      "SparkQueue admits SparkApplications that name it (spec.batchSchedulerOptions.queue) whole, within its quota, in order.",
  });
}

/** The sparkoperator.k8s.io CRDs (kubeflow's API). */
export function sparkOperatorCrds(): CustomResourceDefinition[] {
  return [sparkApplicationCrd(), scheduledSparkApplicationCrd(), sparkConnectCrd()];
}

export function allCrds(): CustomResourceDefinition[] {
  return [...sparkOperatorCrds(), sparkQueueCrd()];
}
