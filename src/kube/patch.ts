import {
  type ConfigurationOptions,
  type CustomObjectsApi,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";

/**
 * Request options that send a patch body with the given Content-Type. client-node 1.x sends every patch as
 * application/json-patch+json unless told otherwise; pass these as the second argument of any typed
 * `patch*` call, e.g. `core.patchNamespacedPod({ namespace, name, body }, patchOptions(PatchStrategy.MergePatch))`.
 */
export function patchOptions(strategy: PatchStrategy): ConfigurationOptions {
  return setHeaderOptions("Content-Type", strategy);
}

export const mergePatchOptions: ConfigurationOptions = patchOptions(PatchStrategy.MergePatch);
export const jsonPatchOptions: ConfigurationOptions = patchOptions(PatchStrategy.JsonPatch);

/** One RFC 6902 operation. `path` is a JSON pointer: escape "~" as "~0" and "/" as "~1" (see `jsonPointer`). */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

/** A JSON pointer from path segments, escaped (e.g. a label key "sparkoperator.k8s.io/app-name"). */
export function jsonPointer(...segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

/** A custom object by its resource coordinates; no namespace means cluster-scoped. */
export interface CustomObjectRef {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name: string;
}

export interface PatchOpts {
  /**
   * Optimistic concurrency for a merge patch: the patch fails with 409 Conflict unless the object is still at
   * this resourceVersion.
   */
  resourceVersion?: string;
  fieldManager?: string;
}

/**
 * Merge-patches the status subresource (RFC 7386: objects merge, `null` deletes a field, arrays are
 * replaced whole). Returns the whole object after the patch. Needs a CRD with `subresources.status`.
 */
export function mergePatchStatus<T extends KubernetesObject>(
  custom: CustomObjectsApi,
  ref: CustomObjectRef,
  status: Record<string, unknown>,
  opts: PatchOpts = {},
): Promise<T> {
  return patchObject<T>(
    custom,
    ref,
    withPrecondition({ status }, opts.resourceVersion),
    mergePatchOptions,
    opts,
    true,
  );
}

/** JSON-patches the status subresource; paths are of the whole object, e.g. "/status/applicationState/state". */
export function jsonPatchStatus<T extends KubernetesObject>(
  custom: CustomObjectsApi,
  ref: CustomObjectRef,
  operations: JsonPatchOperation[],
  opts: Omit<PatchOpts, "resourceVersion"> = {},
): Promise<T> {
  return patchObject<T>(custom, ref, operations, jsonPatchOptions, opts, true);
}

/** Merge-patches the main resource (metadata, spec); the status is ignored there when the CRD has a status subresource. */
export function mergePatchCustomObject<T extends KubernetesObject>(
  custom: CustomObjectsApi,
  ref: CustomObjectRef,
  patch: Record<string, unknown>,
  opts: PatchOpts = {},
): Promise<T> {
  return patchObject<T>(
    custom,
    ref,
    withPrecondition(patch, opts.resourceVersion),
    mergePatchOptions,
    opts,
    false,
  );
}

async function patchObject<T>(
  custom: CustomObjectsApi,
  ref: CustomObjectRef,
  body: unknown,
  options: ConfigurationOptions,
  opts: PatchOpts,
  status: boolean,
): Promise<T> {
  const common = { group: ref.group, version: ref.version, plural: ref.plural, name: ref.name, body };
  const params = opts.fieldManager ? { ...common, fieldManager: opts.fieldManager } : common;
  if (ref.namespace === undefined) {
    return (
      status
        ? await custom.patchClusterCustomObjectStatus(params, options)
        : await custom.patchClusterCustomObject(params, options)
    ) as T;
  }
  const namespaced = { ...params, namespace: ref.namespace };
  return (
    status
      ? await custom.patchNamespacedCustomObjectStatus(namespaced, options)
      : await custom.patchNamespacedCustomObject(namespaced, options)
  ) as T;
}

function withPrecondition(
  patch: Record<string, unknown>,
  resourceVersion: string | undefined,
): Record<string, unknown> {
  if (resourceVersion === undefined) return patch;
  const metadata = (patch.metadata as Record<string, unknown> | undefined) ?? {};
  return { ...patch, metadata: { ...metadata, resourceVersion } };
}
