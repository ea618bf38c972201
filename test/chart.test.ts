/**
 * The Helm chart with the provisioned helm: lint, renders (all namespaces, job namespaces, PodMonitor), the
 * rendered RBAC is exactly src/operator/rbac.ts, config/install.yaml is the chart's current rendering, and the
 * API server accepts the manifests (`kubectl apply --dry-run=server` on the test run's embedded cluster).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CoreV1Api } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { admissionPolicySpec } from "../src/api/sparkplane/admission-policy.js";
import {
  CHART_DIR,
  CHART_WORKFLOW_TEMPLATES,
  helmTemplateArgs,
  INSTALL_FILE,
  INSTALL_NAMESPACE,
  renderInstallYaml,
  runHelm,
} from "../src/chart/install.js";
import { isAlreadyExists } from "../src/kube/retry.js";
import { requireHelm } from "../src/local/provision/helm.js";
import { requireToolset } from "../src/local/provision/index.js";
import {
  CLUSTER_RULES,
  CONSOLE_RULES,
  leaderElectionRules,
  OPERATOR_RULES,
  SPARK_DRIVER_RULES,
} from "../src/operator/rbac.js";
import { SPARK_CONF_POD_PRIVILEGES } from "../src/spark/constants.js";
import { freshNamespace, testCluster } from "./cluster.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const helm = (args: string[]) => runHelm(requireHelm().helm, args, ROOT);

function render(namespace: string, extra: string[] = []): Manifest[] {
  const text = helm(helmTemplateArgs(CHART_DIR, namespace, extra));
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

function one(manifests: Manifest[], kind: string, namespace?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.namespace === namespace);
  assert.equal(found.length, 1, `one ${kind} in ${namespace ?? "the cluster"}, got ${found.length}`);
  return found[0]!;
}

function operatorArgs(manifests: Manifest[], namespace: string): string[] {
  const deployment = one(manifests, "Deployment", namespace) as Manifest & {
    spec: { template: { spec: { containers: { args: string[]; image: string }[] } } };
  };
  return deployment.spec.template.spec.containers[0]!.args;
}

const plain = (rules: readonly { rule: object }[]) => rules.map((r) => r.rule);
const LEASE = "sparkplane-controller-lock";

function kubectl(args: string[], input?: string) {
  const { kubectl } = requireToolset().kube;
  return testCluster().then(({ kubeconfig }) =>
    spawnSync(kubectl, ["--kubeconfig", kubeconfig, ...args], { input, encoding: "utf8", cwd: ROOT }),
  );
}

describe("the Helm chart", { timeout: 300_000 }, () => {
  it("passes helm lint --strict", () => {
    const out = helm(["lint", "--strict", CHART_DIR]);
    assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    assert.doesNotMatch(out, /\[(WARNING|ERROR)\]/);
  });

  it("default values: every namespace, one ClusterRole with exactly the audited rules, leader election", () => {
    const manifests = render("sparkplane");
    const args = operatorArgs(manifests, "sparkplane");
    assert.ok(!args.some((a) => a.startsWith("--namespaces")), "no --namespaces: all of them");
    for (const flag of ["--no-install-crds", "--leader-elect", `--leader-election-name=${LEASE}`]) {
      assert.ok(args.includes(flag), `${flag} in ${args.join(" ")}`);
    }
    assert.ok(args.includes("--metrics-host=$(POD_IP)") && args.includes("--metrics-port=8080"));
    const clusterRoles = manifests.filter((m) => m.kind === "ClusterRole") as (Manifest & {
      rules: unknown;
    })[];
    assert.deepEqual(
      clusterRoles.map((r) => [r.metadata.name, r.rules]),
      [
        ["sparkplane-controller", plain(OPERATOR_RULES)],
        ["sparkplane-controller-cluster", plain(CLUSTER_RULES)],
      ],
    );
    for (const binding of manifests.filter((m) => m.kind === "ClusterRoleBinding") as (Manifest & {
      subjects: unknown[];
    })[]) {
      assert.deepEqual(binding.subjects, [
        { kind: "ServiceAccount", name: "sparkplane-controller", namespace: "sparkplane" },
      ]);
    }
    const roles = manifests.filter((m) => m.kind === "Role");
    assert.deepEqual(roles.map((r) => r.metadata.name).sort(), [
      "sparkplane-controller-leader-election",
      "sparkplane-spark",
    ]);
    const election = roles.find((r) => r.metadata.name.endsWith("leader-election"))!;
    assert.deepEqual(election.rules, plain(leaderElectionRules(LEASE)));
    const spark = roles.find((r) => r.metadata.name === "sparkplane-spark")!;
    assert.equal(spark.metadata.namespace, "sparkplane");
    assert.deepEqual(spark.rules, plain(SPARK_DRIVER_RULES));
    const accounts = manifests.filter((m) => m.kind === "ServiceAccount");
    assert.deepEqual(accounts.map((a) => `${a.metadata.namespace}/${a.metadata.name}`).sort(), [
      "sparkplane/sparkplane-controller",
      "sparkplane/sparkplane-spark",
    ]);
    const crds = manifests.filter((m) => m.kind === "CustomResourceDefinition").map((m) => m.metadata.name);
    assert.deepEqual(crds.sort(), [
      "scheduledsparkapplications.sparkoperator.k8s.io",
      "sparkapplications.sparkoperator.k8s.io",
      "sparkconnects.sparkoperator.k8s.io",
      "sparkqueues.sparkplane.io",
    ]);
    assert.ok(!manifests.some((m) => m.kind === "PodMonitor" || m.kind.includes("Webhook")));
  });

  it("admissionPolicy.enabled (default): the policy and its binding, named per release; off when false", () => {
    const policies = (manifests: Manifest[]) =>
      manifests
        .filter((m) => m.kind.startsWith("ValidatingAdmissionPolicy"))
        .map((m) => [m.kind, m.metadata.name, (m.spec as { policyName?: string }).policyName]);
    assert.deepEqual(policies(render("ops", ["--set", "fullnameOverride=spark-ops"])), [
      ["ValidatingAdmissionPolicy", "spark-ops-spark-admission", undefined],
      ["ValidatingAdmissionPolicyBinding", "spark-ops-spark-admission", "spark-ops-spark-admission"],
    ]);
    const [policy] = render("sparkplane").filter((m) => m.kind === "ValidatingAdmissionPolicy");
    assert.deepEqual(policy!.spec, admissionPolicySpec(SPARK_CONF_POD_PRIVILEGES));
    assert.equal(policy!.metadata.labels?.["app.kubernetes.io/name"], "sparkplane");
    assert.deepEqual(policies(render("sparkplane", ["--set", "admissionPolicy.enabled=false"])), []);
  });

  it("console.enabled: the console's Deployment and Service, a read-only ClusterRole, callers' own tokens", () => {
    const manifests = render("ops", ["--set", "console.enabled=true"]);
    const consoleOnes = manifests.filter((m) => m.metadata.name === "sparkplane-console");
    assert.deepEqual(consoleOnes.map((m) => m.kind).sort(), [
      "ClusterRole",
      "ClusterRoleBinding",
      "Deployment",
      "Service",
      "ServiceAccount",
    ]);
    const role = consoleOnes.find((m) => m.kind === "ClusterRole") as Manifest & { rules: unknown };
    assert.deepEqual(role.rules, plain(CONSOLE_RULES));
    const deployment = consoleOnes.find((m) => m.kind === "Deployment") as Manifest & {
      spec: { template: { spec: { containers: { command: string[]; args: string[] }[] } } };
    };
    const container = deployment.spec.template.spec.containers[0]!;
    assert.deepEqual(container.command.slice(-2), ["bin/sparkplane.js", "console"]);
    for (const flag of [
      "--no-local-identity",
      "--address=0.0.0.0",
      "--batch-namespace=ops",
      "--batch-service-account=sparkplane-spark",
    ])
      assert.ok(container.args.includes(flag), `${flag} in ${container.args.join(" ")}`);
    assert.ok(!render("ops").some((m) => m.metadata.name === "sparkplane-console"), "off by default");
  });

  it("spark.jobNamespaces: a Role per job namespace, cluster-wide only the cluster rules, --namespaces", () => {
    const manifests = render("ops", ["--set", "spark.jobNamespaces={team-a,team-b}"]);
    assert.ok(operatorArgs(manifests, "ops").includes("--namespaces=team-a,team-b"));
    const clusterWide = manifests.filter((m) => m.kind === "ClusterRole") as (Manifest & {
      rules: unknown;
    })[];
    assert.deepEqual(
      clusterWide.map((r) => r.rules),
      [plain(CLUSTER_RULES)],
      "SparkQueues and Nodes only",
    );
    for (const ns of ["team-a", "team-b"]) {
      const roles = manifests.filter((m) => m.kind === "Role" && m.metadata.namespace === ns);
      const byName = Object.fromEntries(roles.map((r) => [r.metadata.name, r.rules]));
      assert.deepEqual(byName, {
        "sparkplane-controller": plain(OPERATOR_RULES),
        "sparkplane-spark": plain(SPARK_DRIVER_RULES),
      });
      const sa = manifests.find((m) => m.kind === "ServiceAccount" && m.metadata.namespace === ns);
      assert.equal(sa?.metadata.name, "sparkplane-spark");
      const binding = manifests.find(
        (m) =>
          m.kind === "RoleBinding" &&
          m.metadata.namespace === ns &&
          m.metadata.name === "sparkplane-controller",
      ) as (Manifest & { subjects: unknown[] }) | undefined;
      assert.deepEqual(binding?.subjects, [
        { kind: "ServiceAccount", name: "sparkplane-controller", namespace: "ops" },
      ]);
    }
  });

  it("one replica without leader election gets no Lease access; two replicas turn it back on", () => {
    const single = render("sparkplane", ["--set", "controller.leaderElection.enable=false"]);
    assert.ok(!operatorArgs(single, "sparkplane").includes("--leader-elect"));
    assert.ok(!single.some((m) => m.metadata.name.endsWith("leader-election")));
    assert.ok(!single.some((m) => m.kind === "Lease"), "no Lease without leader election");
    const two = render("sparkplane", [
      "--set",
      "controller.leaderElection.enable=false",
      "--set",
      "controller.replicas=2",
    ]);
    assert.ok(operatorArgs(two, "sparkplane").includes("--leader-elect"));
    const lease = two.find((m) => m.kind === "Lease");
    assert.equal(lease?.metadata.name, LEASE, "the release owns its Lease (helm uninstall removes it)");
  });

  it("a PodMonitor when asked, only where its CRD is served", () => {
    const manifests = render("sparkplane", [
      "--set",
      "prometheus.podMonitor.create=true",
      "--api-versions",
      "monitoring.coreos.com/v1/PodMonitor",
    ]);
    const monitor = one(manifests, "PodMonitor", "sparkplane") as Manifest & {
      spec: { podMetricsEndpoints: { port: string; path: string }[] };
    };
    assert.deepEqual(monitor.spec.podMetricsEndpoints[0], {
      port: "metrics",
      path: "/metrics",
      scheme: "http",
      interval: "5s",
    });
    assert.throws(
      () => render("sparkplane", ["--set", "prometheus.podMonitor.create=true"]),
      /PodMonitor CRD/,
    );
  });

  it("workflows.templates.create: the spark-app WorkflowTemplate of examples/workflows/, only where Argo's CRDs are served", () => {
    for (const file of CHART_WORKFLOW_TEMPLATES)
      assert.equal(
        readFileSync(`${ROOT}/${CHART_DIR}/workflows/${file}`, "utf8"),
        readFileSync(`${ROOT}/examples/workflows/${file}`, "utf8"),
        `${CHART_DIR}/workflows/${file} is examples/workflows/${file} (regenerate with npm run gen:manifests)`,
      );
    const argoCrds = ["--api-versions", "argoproj.io/v1alpha1/WorkflowTemplate"];
    const manifests = render("sparkplane", ["--set", "workflows.templates.create=true", ...argoCrds]);
    const template = one(manifests, "WorkflowTemplate", "sparkplane") as Manifest & { spec: unknown };
    const example = parseAllDocuments(
      readFileSync(`${ROOT}/examples/workflows/spark-app-template.yaml`, "utf8"),
    )[0]!.toJS() as Manifest & { spec: unknown };
    assert.equal(template.metadata.name, "spark-app");
    assert.deepEqual(template.spec, example.spec);
    const two = render("sparkplane", [
      "--set",
      "workflows.templates.create=true",
      "--set",
      "workflows.templates.namespaces={etl,nightly}",
      ...argoCrds,
    ]).filter((m) => m.kind === "WorkflowTemplate");
    assert.deepEqual(two.map((m) => m.metadata.namespace).sort(), ["etl", "nightly"]);
    assert.equal(
      render("sparkplane").filter((m) => m.kind === "WorkflowTemplate").length,
      0,
      "off by default",
    );
    assert.throws(
      () => render("sparkplane", ["--set", "workflows.templates.create=true"]),
      /Argo Workflows' CRDs/,
    );
  });

  it("config/install.yaml is the chart rendered with its defaults (regenerate with npm run gen:manifests)", () => {
    const committed = readFileSync(`${ROOT}/${INSTALL_FILE}`, "utf8");
    assert.equal(committed, renderInstallYaml(requireHelm().helm, ROOT));
  });

  it("config/install.yaml applies with kubectl apply --dry-run=server", async () => {
    const { kc } = await testCluster();
    // A dry run creates nothing, so the Namespace the namespaced objects go to must exist for real.
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: INSTALL_NAMESPACE } } })
      .catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
    const r = await kubectl(["apply", "--dry-run=server", "-f", INSTALL_FILE]);
    assert.equal(r.status, 0, r.stderr);
    for (const object of [
      "deployment.apps/sparkplane-controller",
      "clusterrole.rbac.authorization.k8s.io/sparkplane-controller",
      "role.rbac.authorization.k8s.io/sparkplane-spark",
      "service/sparkplane-controller-metrics",
      "validatingadmissionpolicy.admissionregistration.k8s.io/sparkplane-spark-admission",
      "validatingadmissionpolicybinding.admissionregistration.k8s.io/sparkplane-spark-admission",
    ]) {
      assert.match(r.stdout, new RegExp(`${object.replaceAll(".", "\\.")} \\w+ \\(server dry run\\)`));
    }
  });

  it("sparkplane helm talks to the embedded cluster: helm install --dry-run=server", async () => {
    const { name: ns, cluster } = await freshNamespace("helm");
    const r = spawnSync(
      process.execPath,
      [
        "bin/sparkplane.js",
        "helm",
        "--state-dir",
        cluster.stateDir,
        "install",
        "sparkplane",
        CHART_DIR,
        "--namespace",
        ns,
        "--set",
        `spark.jobNamespaces={${ns}}`,
        "--dry-run=server",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /STATUS: pending-install/);
    assert.match(r.stdout, /kind: Deployment/);
  });

  it("the job-namespace rendering applies with kubectl apply --dry-run=server", async () => {
    const { name: ns } = await freshNamespace("chart");
    const text = helm(helmTemplateArgs(CHART_DIR, ns, ["--set", `spark.jobNamespaces={${ns}}`]));
    const r = await kubectl(["apply", "--dry-run=server", "-f", "-"], text);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /role\.rbac\.authorization\.k8s\.io\/sparkplane-controller \w+ \(server dry run\)/,
    );
  });
});
