// Copy the pinned front-end packages from node_modules into Django's static folder.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "casebridge", "web", "static", "vendor");
const uswds = join(root, "node_modules", "@uswds", "uswds", "dist");

rmSync(out, { recursive: true, force: true });
const copies = [
  [join(uswds, "css", "uswds.min.css"), join(out, "uswds", "css", "uswds.min.css")],
  [join(uswds, "js", "uswds.min.js"), join(out, "uswds", "js", "uswds.min.js")],
  [join(uswds, "js", "uswds-init.min.js"), join(out, "uswds", "js", "uswds-init.min.js")],
  [join(uswds, "fonts"), join(out, "uswds", "fonts")],
  [join(uswds, "img"), join(out, "uswds", "img")],
  [join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"), join(out, "htmx", "htmx.min.js")],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}
console.log(`vendored front-end packages into ${out}`);
