// Copies the files of Swagger UI that /@@api-docs serves, byte for byte,
// from node_modules/swagger-ui-dist, with a manifest naming its version:
//     node assets/api-docs/copy.mjs [output folder]
// (npm run build:api-docs). Nothing is built: the package's own bundle and
// stylesheet are what it ships, with its licence and notice beside them, so
// the committed files can be checked (tests/unit/test_api_docs_files.py).
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const top = resolve(here, "..", "..");
const out = resolve(process.argv[2] || join(top, "cms", "static", "vendor", "swagger-ui"));
const source = join(top, "node_modules", "swagger-ui-dist");

// The standalone bundle (it needs no module loader), its stylesheet, and
// the licences: Apache-2.0 for Swagger UI, those of what its bundle holds.
const FILES = [
  "swagger-ui-bundle.js",
  "swagger-ui-bundle.js.LICENSE.txt",
  "swagger-ui.css",
  "LICENSE",
  "NOTICE",
];

const info = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
mkdirSync(out, { recursive: true });
// A new version may ship fewer files: the folder holds these alone.
for (const file of readdirSync(out)) {
  if (!FILES.includes(file) && file !== "manifest.json") {
    rmSync(join(out, file));
  }
}
for (const file of FILES) {
  copyFileSync(join(source, file), join(out, file));
}
const manifest = { package: info.name, version: info.version, license: info.license, files: FILES };
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`${info.name} ${info.version}: ${FILES.length} files`);
