import assert from "node:assert/strict";
import { describe, test } from "node:test";
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
