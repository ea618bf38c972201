/** The OpenAPI 3 document of the console, built from the same TypeBox schemas as the CRDs. */
import { SparkQueueSchema } from "../api/sparkplane/sparkqueue.js";
import { SparkConnectSchema } from "../api/v1alpha1/sparkconnect.js";
import { ScheduledSparkApplicationSchema } from "../api/v1beta2/scheduledsparkapplication.js";
import { SparkApplicationSchema } from "../api/v1beta2/sparkapplication.js";
import { LIVY_STATES, LivyBatchRequestSchema } from "./livy.js";

const json = (ref: string) => ({
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const errors = {
  "400": { description: "invalid input; `fields` names each bad field", ...json("Error") },
  "401": { description: "no bearer token (required off loopback)", ...json("Error") },
  "403": { description: "the caller's Kubernetes identity may not do this", ...json("Error") },
  "404": { description: "not found", ...json("Error") },
  "413": { description: "body over 1 MiB", ...json("Error") },
};
const nsParam = { name: "namespace", in: "path", required: true, schema: { type: "string" } };
const name = { name: "name", in: "path", required: true, schema: { type: "string" } };
const batchId = { name: "batchId", in: "path", required: true, schema: { type: "integer", minimum: 0 } };

function resourcePaths(plural: string, schema: string, namespaced = true) {
  const base = namespaced ? `/api/v1/namespaces/{namespace}/${plural}` : `/api/v1/${plural}`;
  const ns = namespaced ? [nsParam] : [];
  return {
    [base]: {
      get: {
        summary: `list ${plural} (paged by the API server)`,
        parameters: [
          ...ns,
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 10000 } },
          { name: "continue", in: "query", schema: { type: "string" } },
          ...(plural === "sparkapplications"
            ? [{ name: "state", in: "query", schema: { type: "string" } }]
            : []),
        ],
        responses: { "200": { description: "a Kubernetes list" }, ...errors },
      },
      post: {
        summary: `create a ${schema}`,
        parameters: ns,
        requestBody: { required: true, ...json(schema) },
        responses: { "201": { description: "created", ...json(schema) }, ...errors },
      },
    },
    [`${base}/{name}`]: {
      get: {
        parameters: [...ns, name],
        responses: { "200": { description: "the object", ...json(schema) }, ...errors },
      },
      delete: { parameters: [...ns, name], responses: { "200": { description: "deleted" }, ...errors } },
    },
    [`${base}/{name}/events`]: {
      get: { parameters: [...ns, name], responses: { "200": { description: "an EventList" }, ...errors } },
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.0.3",
    info: { title: "sparkplane console", version: "v1" },
    paths: {
      ...resourcePaths("sparkapplications", "SparkApplication"),
      ...resourcePaths("scheduledsparkapplications", "ScheduledSparkApplication"),
      ...resourcePaths("sparkconnects", "SparkConnect"),
      ...resourcePaths("sparkqueues", "SparkQueue", false),
      "/api/v1/sparkapplications": {
        get: {
          summary:
            "apps of every namespace the caller may list, from the console's cache, paged and filtered",
          parameters: ["namespace", "state", "name"]
            .map((n) => ({ name: n, in: "query", schema: { type: "string" } }))
            .concat(
              ["offset", "limit"].map((n) => ({
                name: n,
                in: "query",
                schema: { type: "integer", minimum: 0 },
              })) as never,
            ),
          responses: { "200": { description: "{total, offset, limit, items}" }, ...errors },
        },
      },
      "/api/v1/namespaces/{namespace}/sparkapplications/{name}/log": {
        get: {
          summary: "the driver pod's log; follow=true streams it",
          parameters: [
            nsParam,
            name,
            { name: "follow", in: "query", schema: { type: "boolean" } },
            { name: "tailLines", in: "query", schema: { type: "integer", minimum: 0 } },
          ],
          responses: { "200": { description: "text", content: { "text/plain": {} } }, ...errors },
        },
      },
      "/batches": {
        get: {
          summary: "Livy: list batches",
          responses: { "200": { description: "{from, total, sessions}" } },
        },
        post: {
          summary: "Livy: submit a batch",
          requestBody: { required: true, ...json("LivyBatchRequest") },
          responses: { "201": { description: "the batch", ...json("LivyBatch") }, ...errors },
        },
      },
      "/batches/{batchId}": {
        get: {
          parameters: [batchId],
          responses: { "200": { description: "the batch", ...json("LivyBatch") }, ...errors },
        },
        delete: { parameters: [batchId], responses: { "200": { description: "{msg: deleted}" }, ...errors } },
      },
      "/batches/{batchId}/state": {
        get: { parameters: [batchId], responses: { "200": { description: "{id, state}" } } },
      },
      "/batches/{batchId}/log": {
        get: {
          parameters: [
            batchId,
            { name: "from", in: "query", schema: { type: "integer" } },
            { name: "size", in: "query", schema: { type: "integer", minimum: 0 } },
          ],
          responses: { "200": { description: "{id, from, size, total, log}" } },
        },
      },
    },
    components: {
      schemas: {
        SparkApplication: SparkApplicationSchema,
        ScheduledSparkApplication: ScheduledSparkApplicationSchema,
        SparkConnect: SparkConnectSchema,
        SparkQueue: SparkQueueSchema,
        LivyBatchRequest: LivyBatchRequestSchema,
        LivyBatch: {
          type: "object",
          properties: {
            id: { type: "integer" },
            name: { type: "string", nullable: true },
            appId: { type: "string", nullable: true },
            appInfo: { type: "object" },
            log: { type: "array", items: { type: "string" } },
            state: { type: "string", enum: [...LIVY_STATES] },
          },
        },
        Error: {
          type: "object",
          properties: {
            error: { type: "string" },
            fields: {
              type: "array",
              items: {
                type: "object",
                properties: { field: { type: "string" }, message: { type: "string" } },
              },
            },
          },
        },
      },
    },
  };
}
