import { stringify } from "yaml";

/** A kubeconfig for the admin identity: the cluster CA inline, a bearer token. */
export function adminKubeconfig(opts: {
  server: string;
  caPem: string;
  token: string;
  name?: string;
}): string {
  const name = opts.name ?? "sparkplane";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: {
          server: opts.server,
          "certificate-authority-data": Buffer.from(opts.caPem).toString("base64"),
        },
      },
    ],
    users: [{ name: `${name}-admin`, user: { token: opts.token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    "current-context": name,
  });
}
