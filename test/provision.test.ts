import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { Writable } from "node:stream";
import { test } from "node:test";
import { provision } from "../src/local/provision/index.js";

test("provision is idempotent: a warm run rebuilds nothing and is fast", async () => {
  const first = await provision({ quiet: true, all: true });
  const mtimes = [
    first.kube["kube-apiserver"],
    first.kube.kubectl,
    first.etcd.etcd,
    first.examples.jar,
    first.examples4.jar,
    first.spark4.sparkSubmit,
    first.helm.helm,
    first.prometheus.prometheus,
    first.prometheus.promtool,
    first.argocheck.argocheck,
    first.argo.workflowController,
    first.argo.argoexec,
    first.argo.argo,
  ].map((f) => statSync(f).mtimeMs);
  let output = "";
  const sink = new Writable({
    write(chunk, _enc, cb) {
      output += String(chunk);
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  const started = Date.now();
  const second = await provision({ out: sink, all: true });
  const warmMs = Date.now() - started;
  assert.deepEqual(second, first);
  assert.deepEqual(
    [
      second.kube["kube-apiserver"],
      second.kube.kubectl,
      second.etcd.etcd,
      second.examples.jar,
      second.examples4.jar,
      second.spark4.sparkSubmit,
      second.helm.helm,
      second.prometheus.prometheus,
      second.prometheus.promtool,
      second.argocheck.argocheck,
      second.argo.workflowController,
      second.argo.argoexec,
      second.argo.argo,
    ].map((f) => statSync(f).mtimeMs),
    mtimes,
  );
  assert.equal((output.match(/cached/g) ?? []).length, 12, output);
  console.log(`warm provision: ${warmMs} ms`);
});
