#!/usr/bin/env node
// Writes config/crd/*.yaml from the compiled API schemas. Run `npm run build` first.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { CRD_DIRECTORY, crdManifests } = await import(join(root, "dist/src/api/crd-manifests.js"));

const directory = join(root, CRD_DIRECTORY);
await mkdir(directory, { recursive: true });
for (const manifest of crdManifests()) {
  await writeFile(join(directory, manifest.fileName), manifest.content);
  console.log(`wrote ${join(CRD_DIRECTORY, manifest.fileName)}`);
}
