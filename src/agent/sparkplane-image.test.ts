import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { imageKind, SPARKPLANE_IMAGE_REPOSITORY } from "./config.js";
import { SPARKPLANE_IMAGE, sparkplaneArgv, sparkplaneWorkingDir } from "./sparkplane-image.js";

const rt = { node: "/opt/node20/bin/node", root: "/home/me/sparkplane" };
const BIN = "/home/me/sparkplane/bin/sparkplane.js";
const argv = (command: string[], args: string[], workingDir?: string) =>
  sparkplaneArgv({ command, args }, workingDir, rt);

describe("sparkplaneArgv (the operator image's entrypoint with this checkout)", () => {
  test("the image's ENTRYPOINT is the operator command", () => {
    assert.deepEqual(SPARKPLANE_IMAGE.entrypoint, [
      "node",
      "--optimize-for-size",
      "bin/sparkplane.js",
      "operator",
    ]);
  });
  test("args only: appended to the ENTRYPOINT, run with the agent's node and this checkout's bin", () => {
    assert.deepEqual(argv([], ["--workers=4", "--leader-elect"]), [
      rt.node,
      "--optimize-for-size",
      BIN,
      "operator",
      "--workers=4",
      "--leader-elect",
    ]);
  });
  test("neither: the bare ENTRYPOINT", () => {
    assert.deepEqual(argv([], []), [rt.node, "--optimize-for-size", BIN, "operator"]);
  });
  test("a command replaces the ENTRYPOINT: node and the script under the WORKDIR are translated", () => {
    assert.deepEqual(argv(["node", "/app/bin/sparkplane.js"], ["operator", "--log-level=debug"]), [
      rt.node,
      BIN,
      "operator",
      "--log-level=debug",
    ]);
    assert.deepEqual(
      argv(["/usr/local/bin/node", "--max-old-space-size=256", "/app/bin/sparkplane.js"], []),
      [rt.node, "--max-old-space-size=256", BIN],
    );
    assert.deepEqual(argv(["/app/bin/sparkplane.js", "operator"], []), [BIN, "operator"]);
  });
  test("a relative script resolves against the container's working directory in the image", () => {
    assert.deepEqual(argv(["node", "sparkplane.js"], ["operator"], "/app/bin"), [rt.node, BIN, "operator"]);
    assert.deepEqual(argv(["node", "x.js"], [], "/srv"), [rt.node, "/srv/x.js"]);
  });
  test("the image's `sparkplane` command is node with this checkout's bin", () => {
    assert.deepEqual(argv(["sparkplane"], ["operator", "--help"]), [rt.node, BIN, "operator", "--help"]);
  });
  test("other commands run as given with the host's programs; only whole WORKDIR paths are mapped", () => {
    assert.deepEqual(argv(["sh", "-c", "ls /app"], []), ["sh", "-c", "ls /app"]);
    assert.deepEqual(argv(["node", "/application/x.js"], []), [rt.node, "/application/x.js"]);
  });
});

describe("sparkplaneWorkingDir", () => {
  test("the image's WORKDIR is the checkout; other directories stay", () => {
    assert.equal(sparkplaneWorkingDir(undefined, rt), rt.root);
    assert.equal(sparkplaneWorkingDir("", rt), rt.root);
    assert.equal(sparkplaneWorkingDir("/app", rt), rt.root);
    assert.equal(sparkplaneWorkingDir("/app/dist", rt), "/home/me/sparkplane/dist");
    assert.equal(sparkplaneWorkingDir("/tmp", rt), "/tmp");
  });
});

describe("the image the agent emulates is the one the repository defines", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  test("the chart's default image is run as sparkplane's", () => {
    const values = parse(readFileSync(join(root, "charts", "sparkplane", "values.yaml"), "utf8")) as {
      image: { registry: string; repository: string };
    };
    const repository = `${values.image.registry}/${values.image.repository}`;
    assert.equal(repository, SPARKPLANE_IMAGE_REPOSITORY);
    assert.equal(imageKind(`${repository}:0.1.0`), "sparkplane");
  });
  test("the Dockerfile's WORKDIR and ENTRYPOINT", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    const runStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    const workdirs = [...runStage.matchAll(/^WORKDIR\s+(\S+)/gm)].map((m) => m[1]);
    assert.equal(workdirs.at(-1), SPARKPLANE_IMAGE.workDir);
    const entrypoint = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(runStage)?.[1] ?? "[]") as string[];
    assert.equal(basename(entrypoint[0] ?? ""), "node");
    assert.deepEqual(entrypoint.slice(1), SPARKPLANE_IMAGE.entrypoint.slice(1));
  });
});
