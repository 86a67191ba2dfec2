// Writes a vendored copy of a CustomResourceDefinition for scripts/check-deploy: the served
// versions' schemas only, every `description` dropped (the operators' CRDs are mostly prose: the
// Cluster CRD goes from 464 KB to 146 KB), everything else as published.
//   git --git-dir=REPO.git show TAG:config/crd/bases/FILE.yaml | node deploy/check/crds/vendor.mjs SOURCE > deploy/check/crds/FILE.yaml
// SOURCE (e.g. "cloudnative-pg/cloudnative-pg v1.30.0 (commit ...)") goes into the header.
// `yaml` comes from check-deploy's pinned npm cache (run check-deploy once first).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const cache = process.env.CHECK_DEPLOY_NPM ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "edge-dispatcher/deploy-check/npm");
const YAML = createRequire(path.join(cache, "package.json"))("yaml");
const source = process.argv[2];
if (!source) { console.error("usage: vendor.mjs SOURCE < crd.yaml > vendored.yaml"); process.exit(2); }

// A schema node: drop its `description`; walk its sub-schemas. Under `properties` the keys are
// field names (a field may be called `description`), so only their values are schemas.
function strip(schema) {
  if (Array.isArray(schema)) return schema.map(strip);
  if (!schema || typeof schema !== "object") return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "description" && typeof v === "string") continue;
    if ((k === "properties" || k === "patternProperties" || k === "definitions") && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, strip(s)]));
    } else {
      out[k] = strip(v);
    }
  }
  return out;
}

const crd = YAML.parse(fs.readFileSync(0, "utf8"));
if (crd.kind !== "CustomResourceDefinition") throw new Error(`not a CRD: ${crd.kind}`);
crd.spec.versions = crd.spec.versions.filter((v) => v.served).map((v) => ({ ...v, schema: { openAPIV3Schema: strip(v.schema.openAPIV3Schema) } }));
delete crd.metadata.annotations;
process.stdout.write(`# Vendored by deploy/check/crds/vendor.mjs from ${source}:\n# served versions only, descriptions removed. See deploy/check/crds/README.md.\n`);
process.stdout.write(YAML.stringify(crd, { lineWidth: 0, indentSeq: false }));
