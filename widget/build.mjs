// Bundles the widget and socket.io-client (from npm, never a CDN) into minified files served by
// the web app: widget.js (the chat page "/"), embed.js (host sites) and widget.css.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const OUT = "../bot/web/static/dist";
const common = { bundle: true, minify: true, legalComments: "none", logLevel: "warning" };

await build({
  ...common,
  entryPoints: { widget: "src/page.js", embed: "src/embed.js" },
  format: "iife",
  target: ["es2019"],
  outdir: OUT,
});
await build({ ...common, entryPoints: ["src/widget.css"], outfile: `${OUT}/widget.css` });

// Pre-compressed siblings: the web app's static handler serves .br or .gz when the browser
// accepts them, so a phone downloads about a third of the bytes.
for (const name of ["widget.js", "embed.js", "widget.css"]) {
  const bytes = readFileSync(`${OUT}/${name}`);
  const gz = gzipSync(bytes, { level: 9 });
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`${OUT}/${name}.gz`, gz);
  writeFileSync(`${OUT}/${name}.br`, br);
  console.log(`${name}: ${bytes.length} bytes, ${gz.length} gzip, ${br.length} brotli`);
}
