import { posix } from "node:path";
import type { Mount } from "./volumes.js";

/** Facts about the host's file system the mount planner needs (injected, so planning stays pure). */
export interface HostFs {
  exists(path: string): boolean;
  isDir(path: string): boolean;
  /** The canonical path of an existing path (symlinks resolved). */
  realpath(path: string): string;
}

export type MountOp =
  /** Replace `dir` in the namespace by a tmpfs holding bind mounts of its entries, so new entries can be made. */
  | { op: "shadow"; dir: string; staging: string }
  | { op: "mkdir"; path: string }
  | { op: "touch"; path: string }
  | { op: "bind"; source: string; target: string; readOnly: boolean };

function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = posix.dirname(path);
  for (;;) {
    out.push(p);
    if (p === "/") return out;
    p = posix.dirname(p);
  }
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

/** The path with its deepest existing host prefix resolved through symlinks (/var/run/x -> /run/x). */
export function canonical(path: string, fs: HostFs): string {
  const norm = posix.normalize(path).replace(/(.)\/+$/, "$1");
  for (const p of [norm, ...ancestors(norm)]) {
    if (fs.exists(p)) {
      const real = fs.realpath(p);
      return p === norm ? real : posix.join(real, posix.relative(p, norm));
    }
  }
  return norm;
}

/**
 * The order of the bind mounts: a target before the targets inside it, and a mount whose source lies inside
 * another mount's target (a volume of a pod whose directory is under /tmp, with an emptyDir at /tmp) before
 * that target hides its source; otherwise shallow first. Where both cannot hold, shallow first.
 */
function mountOrder(entries: [string, Mount][], fs: HostFs): [string, Mount][] {
  const shallowFirst = [...entries].sort(
    ([a], [b]) => a.split("/").length - b.split("/").length || a.localeCompare(b),
  );
  const source = new Map(entries.map(([t, m]) => [t, canonical(m.source, fs)]));
  const mustPrecede = (a: string, b: string) =>
    (under(b, a) && a !== b) || (under(source.get(a)!, b) && !under(a, b));
  const out: [string, Mount][] = [];
  const left = [...shallowFirst];
  while (left.length > 0) {
    const i = left.findIndex(([t]) => !left.some(([o]) => o !== t && mustPrecede(o, t)));
    out.push(...left.splice(Math.max(i, 0), 1)); // -1: a cycle, take the shallowest
  }
  return out;
}

/**
 * Orders bind mounts (mountOrder) and plans how each target comes to exist inside a private mount
 * namespace without touching the host: a missing target is created inside a tmpfs "shadow" of its deepest
 * existing host directory, or inside a volume when it lies below one. Only a missing top-level directory
 * (e.g. `/data`) is created on the host itself, since `/` cannot be shadowed. The last mount of a target wins.
 */
export function planMounts(
  mounts: readonly Mount[],
  workingDir: string | undefined,
  fs: HostFs,
  stagingDir: string,
): MountOp[] {
  const byTarget = new Map<string, Mount>();
  for (const m of mounts) byTarget.set(canonical(m.target, fs), m);
  const ordered = mountOrder([...byTarget.entries()], fs);
  const ops: MountOp[] = [];
  const mounted: { target: string; source: string }[] = [];
  const created = new Set<string>();
  const shadowed = new Set<string>();

  const exists = (p: string): boolean => {
    if (created.has(p)) return true;
    const m = mounted.filter((x) => under(p, x.target)).sort((a, b) => b.target.length - a.target.length)[0];
    if (m) return p === m.target || fs.exists(posix.join(m.source, posix.relative(m.target, p)));
    return fs.exists(p);
  };
  const ensure = (target: string, kind: "dir" | "file") => {
    if (exists(target)) return;
    const base = ancestors(target).find(exists) ?? "/";
    const insideNamespaceOnly =
      created.has(base) || shadowed.has(base) || mounted.some((x) => under(base, x.target));
    if (!insideNamespaceOnly && base !== "/") {
      ops.push({ op: "shadow", dir: base, staging: posix.join(stagingDir, String(shadowed.size + 1)) });
      shadowed.add(base);
    }
    const dir = kind === "dir" ? target : posix.dirname(target);
    if (!exists(dir)) ops.push({ op: "mkdir", path: dir });
    for (let p = dir; p !== base && p !== "/"; p = posix.dirname(p)) created.add(p);
    if (kind === "file") {
      ops.push({ op: "touch", path: target });
      created.add(target);
    }
  };

  for (const [target, m] of ordered) {
    const dirSource = m.createSource || fs.isDir(m.source) || !fs.exists(m.source);
    ensure(target, dirSource ? "dir" : "file");
    ops.push({ op: "bind", source: m.source, target, readOnly: m.readOnly });
    mounted.push({ target, source: m.source });
  }
  if (workingDir) ensure(canonical(workingDir, fs), "dir");
  return ops;
}

/** A string as one single-quoted shell word. */
export function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export interface WrapperSpec {
  /** For the header comment (and `ps`): "<ns>/<pod> container <name>". */
  title: string;
  ops: MountOp[];
  /** Set through /proc in the container's own UTS namespace; omitted without namespaces. */
  hostname?: string;
  workingDir: string;
  /** Host path where the wrapper writes `<exit code>` (or `128 StartError`) when the command ends. */
  exitFile: string;
}

const SHADOW_FN = `sp_shadow() {
  mkdir -p "$2" && mount -t tmpfs -o mode=755 sparkplane-shadow "$2" && chmod --reference="$1" "$2" || return 1
  for sp_e in "$1"/* "$1"/.*; do
    sp_n=\${sp_e##*/}
    case $sp_n in .|..) continue ;; esac
    [ -e "$sp_e" ] || [ -L "$sp_e" ] || continue
    if [ -L "$sp_e" ]; then ln -s "$(readlink "$sp_e")" "$2/$sp_n" || return 1
    elif [ -d "$sp_e" ]; then mkdir "$2/$sp_n" && mount --rbind "$sp_e" "$2/$sp_n" || return 1
    else : > "$2/$sp_n" && mount --bind "$sp_e" "$2/$sp_n" || return 1
    fi
  done
  mount --move "$2" "$1"
}`;

function opLine(op: MountOp): string {
  switch (op.op) {
    case "shadow":
      return `sp_shadow ${shq(op.dir)} ${shq(op.staging)} || sp_fail "cannot shadow ${op.dir}"`;
    case "mkdir":
      return `mkdir -p ${shq(op.path)} || sp_fail "cannot create ${op.path}"`;
    case "touch":
      return `: > ${shq(op.path)} || sp_fail "cannot create ${op.path}"`;
    case "bind":
      return `mount ${op.readOnly ? "-o bind,ro" : "--bind"} ${shq(op.source)} ${shq(op.target)} || sp_fail "cannot mount ${op.source} at ${op.target}"`;
  }
}

/**
 * The wrapper script a container runs as (`sh wrapper.sh <argv...>`, inside `unshare --mount --uts` when
 * namespaces are on): sets up mounts and hostname, runs the command in its working directory as its
 * child so it can record the exit code in a file (which survives an agent restart), and passes SIGTERM on
 * to the command (staying alive itself until the command ends). SIGKILL goes to the whole process group.
 */
export function wrapperScript(spec: WrapperSpec): string {
  const lines = [
    "#!/bin/sh",
    `# sparkplane agent: ${spec.title.replaceAll("\n", " ")}`,
    // The wrapper stays in the exit file's directory and names it relative to it: a volume mounted over one
    // of its ancestors (an emptyDir at /tmp, the state dir under /tmp) hides the path, not the working directory.
    `cd ${shq(posix.dirname(spec.exitFile))} || exit 128`,
    `sp_exit=${shq(posix.basename(spec.exitFile))}`,
    `sp_fail() { echo "sparkplane: $*" >&2; echo "128 StartError" > "$sp_exit.tmp" && mv "$sp_exit.tmp" "$sp_exit"; exit 128; }`,
  ];
  if (spec.ops.some((o) => o.op === "shadow")) lines.push(SHADOW_FN);
  lines.push(...spec.ops.map(opLine));
  if (spec.hostname)
    lines.push(`echo ${shq(spec.hostname)} > /proc/sys/kernel/hostname || sp_fail "cannot set the hostname"`);
  const workingDir = shq(spec.workingDir);
  lines.push(
    `[ -d ${workingDir} ] || sp_fail "cannot enter the working directory ${spec.workingDir}"`,
    `[ $# -gt 0 ] || sp_fail "no command: the container has neither command nor args"`,
    `(cd ${workingDir} && exec "$@") &`,
    "sp_child=$!",
    `trap 'kill -TERM "$sp_child" 2>/dev/null' TERM INT HUP`,
    "while :; do",
    `  wait "$sp_child"; sp_code=$?`,
    `  kill -0 "$sp_child" 2>/dev/null || break`,
    "done",
    // The command's CPU time (and its waited-for children's), for the Summary API: written before the exit file.
    `times > "$sp_exit.cpu.tmp" 2>/dev/null && mv "$sp_exit.cpu.tmp" "$sp_exit.cpu"`,
    `echo "$sp_code" > "$sp_exit.tmp" && mv "$sp_exit.tmp" "$sp_exit"`,
    `exit "$sp_code"`,
  );
  return `${lines.join("\n")}\n`;
}

/** Reads what the wrapper wrote: `{ code, startError }`, or undefined for no/invalid content. */
export function parseExitFile(text: string | undefined): { code: number; startError: boolean } | undefined {
  const m = /^(\d+)( StartError)?\s*$/.exec(text ?? "");
  return m ? { code: Number(m[1]), startError: Boolean(m[2]) } : undefined;
}

/** Env names the wrapper shell (dash) would drop: passed through `env NAME=VALUE ... cmd` instead. */
export function shellSafeEnv(env: Record<string, string>): {
  env: Record<string, string>;
  viaEnvCommand: string[];
} {
  const safe: Record<string, string> = {};
  const extra: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) safe[k] = v;
    else extra.push(`${k}=${v}`);
  }
  return { env: safe, viaEnvCommand: extra };
}
