/**
 * Request bodies checked against the CRDs' own TypeBox schemas, strictly: the API server would silently prune
 * an unknown field (a typo such as `mainClas`), so here it is refused with its path. Pure.
 */
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { PRESERVE_UNKNOWN_FIELDS } from "../api/schema.js";
import { SparkQueueSchema } from "../api/sparkplane/sparkqueue.js";
import { SparkConnectSchema } from "../api/v1alpha1/sparkconnect.js";
import { ScheduledSparkApplicationSchema } from "../api/v1beta2/scheduledsparkapplication.js";
import { SparkApplicationSchema } from "../api/v1beta2/sparkapplication.js";
import { validateScheduledSparkApplication, validateSparkApplication } from "../api/v1beta2/validate.js";

export interface FieldError {
  /** Dotted path into the body: `spec.driver.cores`, `spec.arguments[0]`. */
  field: string;
  message: string;
}

/** `/spec/arguments/0` -> `spec.arguments[0]`. */
export function pointerToField(pointer: string): string {
  const parts = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  let out = "";
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === "" ? p : `.${p}`;
  return out || "(body)";
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Fields of `value` that `schema` does not declare, where the schema does not preserve unknown fields. */
export function unknownFields(schema: TSchema, value: unknown, path = ""): FieldError[] {
  const s = schema as Record<string, unknown> & TSchema;
  if (Array.isArray(value) && s.type === "array" && s.items) {
    return value.flatMap((item, i) => unknownFields(s.items as TSchema, item, join(path, i)));
  }
  if (!isPlainObject(value) || s.type !== "object") return [];
  if (s[PRESERVE_UNKNOWN_FIELDS] === true) return [];
  const found: FieldError[] = [];
  const properties = s.properties as Record<string, TSchema> | undefined;
  const pattern = s.patternProperties as Record<string, TSchema> | undefined;
  const valueSchema = pattern ? Object.values(pattern)[0] : undefined;
  for (const [key, v] of Object.entries(value)) {
    const declared = properties?.[key] ?? valueSchema;
    if (declared) found.push(...unknownFields(declared, v, join(path, key)));
    else if (properties)
      found.push({
        field: join(path, key),
        message: `unknown field; known fields here: ${Object.keys(properties).join(", ")}`,
      });
  }
  return found;
}

/** Schema errors (one per field, the first message), then unknown fields. */
export function schemaErrors(schema: TSchema, value: unknown): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const e of Value.Errors(schema, value)) {
    const field = pointerToField(e.path);
    // A union reports every branch; the first error of a field says enough.
    if ([...seen].some((f) => field === f || field.startsWith(`${f}.`) || field.startsWith(`${f}[`)))
      continue;
    seen.add(field);
    errors.push({ field, message: e.message });
    if (errors.length >= 20) break;
  }
  return [...errors, ...unknownFields(schema, value)];
}

export type Kind = "SparkApplication" | "ScheduledSparkApplication" | "SparkConnect" | "SparkQueue";

const SCHEMAS: Record<Kind, TSchema> = {
  SparkApplication: SparkApplicationSchema,
  ScheduledSparkApplication: ScheduledSparkApplicationSchema,
  SparkConnect: SparkConnectSchema,
  SparkQueue: SparkQueueSchema,
};

/** Every problem of a body to create: shape (schema, unknown fields), then the operator's semantic checks. */
export function validateBody(kind: Kind, body: unknown): FieldError[] {
  if (!isPlainObject(body)) return [{ field: "(body)", message: `must be a JSON object (a ${kind})` }];
  const shape = schemaErrors(SCHEMAS[kind], body);
  if (shape.length > 0) return shape;
  const app = body as never;
  if (kind === "SparkApplication") return validateSparkApplication(app);
  if (kind === "ScheduledSparkApplication") return validateScheduledSparkApplication(app);
  // SparkConnect and SparkQueue: their schemas say all the console checks; the operator reports the rest.
  return [];
}
