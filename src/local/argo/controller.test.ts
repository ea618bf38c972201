import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { argoServerComponent, controllerConfigData, workflowControllerComponent } from "./controller.js";

const argo = {
  workflowController: "/c/argo/bin/workflow-controller",
  argo: "/c/argo/bin/argo",
  version: "v3.7.9",
};
const paths = { kubeconfig: "/state/kubeconfig" };

test("the controller: admin kubeconfig, its ConfigMap in argo, Argo's executor image, one instance, healthy when metrics answer", () => {
  const spec = workflowControllerComponent(argo, paths, 43210);
  assert.equal(spec.name, "workflow-controller");
  assert.equal(spec.command, argo.workflowController);
  assert.deepEqual(spec.args, [
    "--kubeconfig=/state/kubeconfig",
    "--namespace=argo",
    "--configmap=workflow-controller-configmap",
    "--executor-image=quay.io/argoproj/argoexec:v3.7.9",
    "--loglevel=info",
    "--log-format=text",
  ]);
  assert.deepEqual(spec.env, { LEADER_ELECTION_DISABLE: "true" });
  assert.equal(spec.healthUrl, "http://127.0.0.1:43210/metrics");
});

test("the ConfigMap serves metrics over plain HTTP on the chosen port", () => {
  const data = controllerConfigData(43210);
  assert.deepEqual(parse(data.metricsConfig!), {
    enabled: true,
    path: "/metrics",
    port: 43210,
    secure: false,
  });
});

test("argo server: plain HTTP, server auth mode, the chosen port, healthy when its version answers", () => {
  const spec = argoServerComponent(argo, paths, 2746);
  assert.equal(spec.command, argo.argo);
  assert.equal(spec.args[0], "server");
  for (const a of ["--port=2746", "--secure=false", "--auth-mode=server", "--kubeconfig=/state/kubeconfig"])
    assert.ok(spec.args.includes(a), a);
  assert.equal(spec.healthUrl, "http://127.0.0.1:2746/api/v1/version");
});
