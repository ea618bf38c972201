import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  canonical,
  type HostFs,
  parseExitFile,
  planMounts,
  shellSafeEnv,
  shq,
  wrapperScript,
} from "./sandbox.js";

/** A fake host: directories, files and symlinks by absolute path. */
function fakeFs(dirs: string[], files: string[] = [], links: Record<string, string> = {}): HostFs {
  const d = new Set(["/", ...dirs]);
  const f = new Set(files);
  const resolve = (p: string) => {
    for (const [from, to] of Object.entries(links))
      if (p === from || p.startsWith(`${from}/`)) return to + p.slice(from.length);
    return p;
  };
  return {
    exists: (p) => d.has(resolve(p)) || f.has(resolve(p)),
    isDir: (p) => d.has(resolve(p)),
    realpath: resolve,
  };
}

const host = fakeFs(
  [
    "/etc",
    "/opt",
    "/run",
    "/var",
    "/state",
    "/state/pod",
    "/state/pod/volumes",
    "/state/pod/volumes/conf",
    "/state/pod/volumes/scratch",
    "/srv",
    "/srv/data",
    "/spark/jars",
    "/spark",
  ],
  ["/etc/hosts", "/state/pod/hosts", "/state/pod/volumes/conf/app.conf"],
  { "/var/run": "/run" },
);

describe("canonical", () => {
  test("resolves the deepest existing prefix through symlinks", () => {
    assert.equal(
      canonical("/var/run/secrets/kubernetes.io/serviceaccount", host),
      "/run/secrets/kubernetes.io/serviceaccount",
    );
    assert.equal(canonical("/opt/spark/conf/", host), "/opt/spark/conf");
    assert.equal(canonical("/etc/hosts", host), "/etc/hosts");
  });
});

describe("planMounts", () => {
  test("existing targets are bound directly; missing ones are made in a shadow of their deepest existing dir", () => {
    const ops = planMounts(
      [
        { source: "/state/pod/hosts", target: "/etc/hosts", readOnly: true },
        { source: "/state/pod/volumes/conf", target: "/opt/spark/conf", readOnly: true },
        { source: "/spark/jars", target: "/opt/spark/jars", readOnly: true },
        {
          source: "/state/pod/volumes/scratch",
          target: "/var/run/secrets/kubernetes.io/serviceaccount",
          readOnly: false,
        },
      ],
      "/opt/spark/work-dir",
      host,
      "/state/pod/shadow",
    );
    assert.deepEqual(ops, [
      { op: "bind", source: "/state/pod/hosts", target: "/etc/hosts", readOnly: true },
      { op: "shadow", dir: "/opt", staging: "/state/pod/shadow/1" },
      { op: "mkdir", path: "/opt/spark/conf" },
      { op: "bind", source: "/state/pod/volumes/conf", target: "/opt/spark/conf", readOnly: true },
      { op: "mkdir", path: "/opt/spark/jars" },
      { op: "bind", source: "/spark/jars", target: "/opt/spark/jars", readOnly: true },
      { op: "shadow", dir: "/run", staging: "/state/pod/shadow/2" },
      { op: "mkdir", path: "/run/secrets/kubernetes.io/serviceaccount" },
      {
        op: "bind",
        source: "/state/pod/volumes/scratch",
        target: "/run/secrets/kubernetes.io/serviceaccount",
        readOnly: false,
      },
      { op: "mkdir", path: "/opt/spark/work-dir" },
    ]);
  });
  test("a mount inside another mount creates its mountpoint in that volume, not in a shadow", () => {
    const ops = planMounts(
      [
        { source: "/state/pod/volumes/conf/app.conf", target: "/srv/data/conf/app.conf", readOnly: true },
        { source: "/state/pod/volumes/scratch", target: "/srv/data", readOnly: false },
      ],
      undefined,
      host,
      "/s",
    );
    assert.deepEqual(ops, [
      { op: "bind", source: "/state/pod/volumes/scratch", target: "/srv/data", readOnly: false },
      { op: "mkdir", path: "/srv/data/conf" },
      { op: "touch", path: "/srv/data/conf/app.conf" },
      {
        op: "bind",
        source: "/state/pod/volumes/conf/app.conf",
        target: "/srv/data/conf/app.conf",
        readOnly: true,
      },
    ]);
  });
  test("a missing top-level directory is made on the host (no shadow of /); the last mount of a target wins", () => {
    const ops = planMounts(
      [
        { source: "/a", target: "/data", readOnly: false },
        { source: "/srv/data", target: "/data/", readOnly: true },
      ],
      undefined,
      host,
      "/s",
    );
    assert.deepEqual(ops, [
      { op: "mkdir", path: "/data" },
      { op: "bind", source: "/srv/data", target: "/data", readOnly: true },
    ]);
  });
  test("a volume over an ancestor of the pod's directory (emptyDir at /state) comes after the mounts it would hide", () => {
    const ops = planMounts(
      [
        { source: "/state/pod/volumes/scratch", target: "/state", readOnly: false },
        { source: "/state/pod/hosts", target: "/etc/hosts", readOnly: true },
        { source: "/state/pod/volumes/conf", target: "/srv/data", readOnly: true },
        { source: "/spark/jars", target: "/state/jars", readOnly: true, createSource: true },
      ],
      undefined,
      host,
      "/s",
    );
    assert.deepEqual(
      ops.map((o) => (o.op === "bind" ? `${o.source} -> ${o.target}` : o.op)),
      [
        "/state/pod/hosts -> /etc/hosts",
        "/state/pod/volumes/conf -> /srv/data",
        "/state/pod/volumes/scratch -> /state",
        "mkdir",
        "/spark/jars -> /state/jars",
      ],
    );
  });
  test("a shadowed directory is shadowed once; deeper existing dirs get their own shadow", () => {
    const fs = fakeFs(["/etc", "/etc/ssl"]);
    const ops = planMounts(
      [
        { source: "/v1", target: "/etc/config", readOnly: true, createSource: true },
        { source: "/v2", target: "/etc/other", readOnly: true, createSource: true },
        { source: "/v3", target: "/etc/ssl/extra", readOnly: true, createSource: true },
      ],
      undefined,
      fs,
      "/s",
    );
    assert.deepEqual(
      ops.filter((o) => o.op === "shadow").map((o) => (o.op === "shadow" ? o.dir : "")),
      ["/etc", "/etc/ssl"],
    );
  });
});

describe("wrapperScript", () => {
  test("quotes safely", () => {
    assert.equal(shq("it's"), `'it'\\''s'`);
  });
  test("runs the command, records its exit code, fails setup with 128 StartError", () => {
    const dir = mkdtempSync(join(tmpdir(), "sp-wrapper-"));
    try {
      const exitFile = join(dir, "exit");
      const script = join(dir, "run.sh");
      writeFileSync(script, wrapperScript({ title: "ns/p container c", ops: [], workingDir: dir, exitFile }));
      const ok = spawnSync("sh", [script, "sh", "-c", 'pwd; echo "$1"; exit 3', "x", "arg with 'quotes'"], {
        encoding: "utf8",
      });
      assert.equal(ok.status, 3);
      assert.equal(ok.stdout, `${dir}\narg with 'quotes'\n`);
      assert.match(
        readFileSync(script, "utf8"),
        new RegExp(`^cd '${dir}' \\|\\| exit 128\nsp_exit='exit'$`, "m"),
      );
      assert.deepEqual(parseExitFile(readFileSync(exitFile, "utf8")), { code: 3, startError: false });
      writeFileSync(
        script,
        wrapperScript({ title: "t", ops: [], workingDir: join(dir, "missing"), exitFile }),
      );
      const bad = spawnSync("sh", [script, "true"], { encoding: "utf8" });
      assert.equal(bad.status, 128);
      assert.match(bad.stderr, /cannot enter the working directory/);
      assert.deepEqual(parseExitFile(readFileSync(exitFile, "utf8")), { code: 128, startError: true });
      const none = spawnSync("sh", [wrapperFile(dir, exitFile)], { encoding: "utf8" });
      assert.match(none.stderr, /no command/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test("SIGTERM reaches the command through the wrapper, which still records the code", () => {
    const dir = mkdtempSync(join(tmpdir(), "sp-wrapper-"));
    try {
      const exitFile = join(dir, "exit");
      const r = spawnSync(
        "sh",
        [
          "-c",
          `sh ${wrapperFile(dir, exitFile)} sh -c 'trap "exit 42" TERM; while :; do sleep 0.05; done' & sleep 0.5; kill -TERM $!; wait $!`,
        ],
        {
          encoding: "utf8",
          timeout: 10_000,
        },
      );
      assert.equal(r.status, 42);
      assert.deepEqual(parseExitFile(readFileSync(exitFile, "utf8")), { code: 42, startError: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test("mount ops become commands", () => {
    const s = wrapperScript({
      title: "t",
      ops: [
        { op: "shadow", dir: "/opt", staging: "/s/1" },
        { op: "mkdir", path: "/opt/spark" },
        { op: "touch", path: "/opt/f" },
        { op: "bind", source: "/a b", target: "/opt/spark", readOnly: true },
        { op: "bind", source: "/c", target: "/d", readOnly: false },
      ],
      hostname: "pod-1",
      workingDir: "/",
      exitFile: "/e",
    });
    assert.match(s, /sp_shadow\(\) \{/);
    assert.match(s, /sp_shadow '\/opt' '\/s\/1'/);
    assert.match(s, /mount -o bind,ro '\/a b' '\/opt\/spark'/);
    assert.match(s, /mount --bind '\/c' '\/d'/);
    assert.match(s, /echo 'pod-1' > \/proc\/sys\/kernel\/hostname/);
  });
});

function wrapperFile(dir: string, exitFile: string): string {
  const f = join(dir, "w.sh");
  writeFileSync(f, wrapperScript({ title: "t", ops: [], workingDir: dir, exitFile }));
  return f;
}

describe("parseExitFile / shellSafeEnv", () => {
  test("exit files", () => {
    assert.deepEqual(parseExitFile("0\n"), { code: 0, startError: false });
    assert.equal(parseExitFile(""), undefined);
    assert.equal(parseExitFile(undefined), undefined);
    assert.equal(parseExitFile("x"), undefined);
  });
  test("names dash would drop go through env(1)", () => {
    assert.deepEqual(shellSafeEnv({ OK_1: "a", "my.var": "b", "a-b": "c" }), {
      env: { OK_1: "a" },
      viaEnvCommand: ["my.var=b", "a-b=c"],
    });
  });
});
