import { posix } from "node:path";

/** The provisioned Argo Workflows, standing in for Argo's executor image (quay.io/argoproj/argoexec). */
export interface ArgoexecRuntime {
  /** Holds the built argoexec. */
  binDir: string;
}

/** The image's ENTRYPOINT. */
export const ARGOEXEC_ENTRYPOINT = "argoexec";

/**
 * The executor image's PATH: the built argoexec first (the image has it on its PATH; `argoexec init` copies
 * the one found there into the pod's /var/run/argo for the other containers), then the host's programs.
 * Argo 3.7's `resource` templates run kubectl as a library inside argoexec, so no kubectl is needed here.
 */
export function argoexecPath(rt: ArgoexecRuntime, hostPath: string): string {
  return [posix.normalize(rt.binDir), hostPath].join(":");
}
