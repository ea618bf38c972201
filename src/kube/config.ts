import { KubeConfig } from "@kubernetes/client-node";

/** Standard resolution: an explicit path, else KUBECONFIG / ~/.kube/config, else in-cluster. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
