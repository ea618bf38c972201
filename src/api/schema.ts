/** Small TypeBox builders shared by the API schemas, so every schema stays expressible as a CRD. */
import { FormatRegistry, type SchemaOptions, type TSchema, Type } from "@sinclair/typebox";

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

// TypeBox's Value.Check fails every string with an unregistered format, so the formats used are registered here.
if (!FormatRegistry.Has("date-time")) {
  FormatRegistry.Set("date-time", (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
}

export const PRESERVE_UNKNOWN_FIELDS = "x-kubernetes-preserve-unknown-fields";
export const INT_OR_STRING = "x-kubernetes-int-or-string";

/** A string restricted to the given values (rendered in the CRD as `enum`). */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>(
    Type.Union(
      values.map((value) => Type.Literal(value)),
      options,
    ),
  );
}

/** `map[string]string`. */
export function StringMap(options: SchemaOptions = {}) {
  return Type.Record(Type.String(), Type.String(), options);
}

export function StringList(options: SchemaOptions = {}) {
  return Type.Array(Type.String(), options);
}

export function Int32(options: SchemaOptions = {}) {
  return Type.Integer({ format: "int32", ...options });
}

export function Int64(options: SchemaOptions = {}) {
  return Type.Integer({ format: "int64", ...options });
}

export function Timestamp(options: SchemaOptions = {}) {
  return Type.String({ format: "date-time", ...options });
}

/** A Kubernetes quantity as the API accepts it: `1`, `"500m"`, `"1Gi"`. */
export function IntOrString(options: SchemaOptions = {}) {
  return Type.Union([Type.Integer(), Type.String()], { [INT_OR_STRING]: true, ...options });
}

/**
 * An embedded Kubernetes object typed as `T`, kept whole by the API server. `known` lists the fields worth
 * checking here (usually the required ones); everything else is preserved as written.
 */
export function KubeObject<T>(known: Record<string, TSchema> = {}, options: SchemaOptions = {}) {
  return Type.Unsafe<T>(Type.Object(known, { [PRESERVE_UNKNOWN_FIELDS]: true, ...options }));
}

export function KubeObjectList<T>(known: Record<string, TSchema> = {}, options: SchemaOptions = {}) {
  return Type.Array(KubeObject<T>(known), options);
}
