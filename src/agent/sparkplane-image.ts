import { posix } from "node:path";
import { OPERATOR_NODE_FLAGS } from "../local/components.js";

/** This checkout, standing in for sparkplane's operator image. */
export interface SparkplaneRuntime {
  /** The Node binary the agent runs on (the image's `node`). */
  node: string;
  /** The checkout's root: holds bin/sparkplane.js and dist/ (the image's WORKDIR). */
  root: string;
}

/** The operator image as the Dockerfile defines it: its WORKDIR holds the package, its ENTRYPOINT runs the operator. */
export const SPARKPLANE_IMAGE = {
  workDir: "/app",
  entrypoint: ["node", ...OPERATOR_NODE_FLAGS, "bin/sparkplane.js", "operator"],
} as const;

const NODES = new Set(["node", "nodejs"]);

/** A path of the image's file system (under its WORKDIR) as a path of the checkout; other strings unchanged. */
function hostPathOf(arg: string, rt: SparkplaneRuntime): string {
  const dir = SPARKPLANE_IMAGE.workDir;
  if (arg === dir) return rt.root;
  return arg.startsWith(`${dir}/`) ? posix.join(rt.root, arg.slice(dir.length + 1)) : arg;
}

/** The script argument of a `node` argv (its first argument that is not a flag), if any. */
function scriptIndex(args: readonly string[]): number {
  return args.findIndex((a) => !a.startsWith("-"));
}

/**
 * What the operator image runs for a container, with this checkout: as in Kubernetes, `command` replaces the
 * ENTRYPOINT and `args` follow it (so a container with args only runs `node --optimize-for-size
 * bin/sparkplane.js operator <args>`). The image's `node` is the agent's Node (its script resolved against the
 * container's working directory in the image), the image's `sparkplane` is `node <checkout>/bin/sparkplane.js`,
 * and paths under the image's WORKDIR are the checkout's. Other commands (`sh -c ...`) run with the host's
 * programs.
 */
export function sparkplaneArgv(
  cmd: { command: string[]; args: string[] },
  workingDir: string | undefined,
  rt: SparkplaneRuntime,
): string[] {
  const argv =
    cmd.command.length > 0 ? [...cmd.command, ...cmd.args] : [...SPARKPLANE_IMAGE.entrypoint, ...cmd.args];
  const [first = "", ...rest] = argv;
  if (first === "sparkplane") return [rt.node, posix.join(rt.root, "bin", "sparkplane.js"), ...rest];
  if (!NODES.has(posix.basename(first))) return [hostPathOf(first, rt), ...rest];
  const script = scriptIndex(rest);
  const args = rest.map((a, i) =>
    i === script ? hostPathOf(posix.resolve(workingDir || SPARKPLANE_IMAGE.workDir, a), rt) : a,
  );
  return [rt.node, ...args];
}

/** The container's working directory: the image's WORKDIR (the default) is the checkout's root. */
export function sparkplaneWorkingDir(workingDir: string | undefined, rt: SparkplaneRuntime): string {
  return workingDir ? hostPathOf(workingDir, rt) : rt.root;
}
