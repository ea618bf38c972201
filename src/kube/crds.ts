import {
  ApiextensionsV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";

function established(crd: V1CustomResourceDefinition): boolean {
  return Boolean(crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True"));
}

/**
 * Creates the CRDs, or replaces those that differ from `crds`, and waits until they are served; returns their
 * names. Idempotent; a conflicting concurrent writer is retried.
 */
export async function ensureCustomResourceDefinitions(
  kc: KubeConfig,
  crds: V1CustomResourceDefinition[],
  opts: { timeoutMs?: number } = {},
): Promise<string[]> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const names: string[] = [];
  for (const wanted of crds) {
    const name = wanted.metadata!.name!;
    names.push(name);
    for (let attempt = 0; ; attempt++) {
      try {
        const current = await api.readCustomResourceDefinition({ name }).catch((err: { code?: number }) => {
          if (err.code === 404) return undefined;
          throw err;
        });
        if (!current) await api.createCustomResourceDefinition({ body: wanted });
        else if (JSON.stringify(current.spec) !== JSON.stringify({ ...current.spec, ...wanted.spec })) {
          await api.replaceCustomResourceDefinition({
            name,
            body: {
              ...wanted,
              metadata: { ...wanted.metadata, resourceVersion: current.metadata?.resourceVersion },
            },
          });
        }
        break;
      } catch (err) {
        const code = (err as { code?: number }).code;
        if ((code === 409 || code === 429) && attempt < 5) continue;
        throw err;
      }
    }
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (const name of names) {
    while (!established(await api.readCustomResourceDefinition({ name }))) {
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not established in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return names;
}
