// Bundles the editor into one minified file named by its content, with a
// manifest the server reads and the licences of what the bundle holds:
//     node assets/editor/build.mjs [output folder]
// (npm run build:editor). The same sources and node_modules give the same
// bytes, so the committed files can be checked (tests/unit/test_editor_bundle.py).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const top = resolve(here, "..", "..");
const out = resolve(process.argv[2] || join(top, "cms", "static", "vendor", "editor"));

const result = await build({
  entryPoints: [join(here, "index.js")],
  absWorkingDir: top,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "none",
  charset: "utf8",
  write: false,
  metafile: true,
});
const code = result.outputFiles[0].contents;
const hash = createHash("sha256").update(code).digest("hex").slice(0, 12);
const name = `editor.${hash}.js`;

// Every package whose code is in the bundle, with its licence.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match && !packages.has(match[1])) {
    const folder = join(top, "node_modules", match[1]);
    const info = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
    const text = file ? readFileSync(join(folder, file), "utf8").trim() : `License: ${info.license}`;
    packages.set(match[1], `${info.name} ${info.version} (${info.license})\n\n${text}\n`);
  }
}
const licences = [...packages.keys()].sort().map((key) => packages.get(key));

mkdirSync(out, { recursive: true });
for (const file of readdirSync(out)) {
  if (/^editor\.[0-9a-f]+\.js$/.test(file)) {
    rmSync(join(out, file));
  }
}
writeFileSync(join(out, name), code);
writeFileSync(join(out, "manifest.json"), JSON.stringify({ "editor.js": name }, null, 2) + "\n");
writeFileSync(
  join(out, "LICENSES.txt"),
  "Licences of the packages bundled in " + name.replace(hash, "*") + "\n\n" + licences.join("\n" + "=".repeat(72) + "\n\n"),
);
console.log(`${name}: ${code.length} bytes, ${packages.size} packages`);
