#!/usr/bin/env node
// `npm run gen:manifests`: writes every generated manifest from the compiled sources (it builds first):
// the CRDs (config/crd/ and the chart's crds/), the chart's RBAC rules and its README table
// (src/operator/rbac.ts), the admission policy (src/api/sparkplane/admission-policy.ts), then config/install.yaml with the provisioned helm (`helm template`).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = (path) => import(join(root, "dist/src", path));
const { CRD_DIRECTORIES, crdManifests } = await dist("api/crd-manifests.js");
const { RULES_TEMPLATE_FILE, rulesTemplate, withRbacTable } = await dist("chart/rbac-render.js");
const { ADMISSION_TEMPLATE_FILE, admissionPolicyTemplate } = await dist("chart/admission-render.js");
const { CHART_DIR, CHART_WORKFLOW_TEMPLATES, INSTALL_FILE, renderInstallYaml } =
  await dist("chart/install.js");
const { requireHelm } = await dist("local/provision/helm.js");

const write = async (path, content) => {
  await writeFile(join(root, path), content);
  console.log(`wrote ${path}`);
};

for (const directory of CRD_DIRECTORIES) {
  await mkdir(join(root, directory), { recursive: true });
  for (const manifest of crdManifests()) await write(join(directory, manifest.fileName), manifest.content);
}
await write(join(CHART_DIR, RULES_TEMPLATE_FILE), rulesTemplate());
await write(join(CHART_DIR, ADMISSION_TEMPLATE_FILE), admissionPolicyTemplate());
const readme = join(CHART_DIR, "README.md");
await write(readme, withRbacTable(await readFile(join(root, readme), "utf8")));
// The chart ships the workflow templates of examples/workflows/ as they are (Helm reads only its own files).
await mkdir(join(root, CHART_DIR, "workflows"), { recursive: true });
for (const file of CHART_WORKFLOW_TEMPLATES)
  await write(
    join(CHART_DIR, "workflows", file),
    await readFile(join(root, "examples/workflows", file), "utf8"),
  );
await write(INSTALL_FILE, renderInstallYaml(requireHelm().helm, root));
