// Bundles the widget and socket.io-client into one minified file served by the web app.
import { build } from "esbuild";

await build({
  entryPoints: ["src/widget.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  outfile: "../bot/web/static/dist/widget.js",
  legalComments: "none",
});
await build({
  entryPoints: ["src/widget.css"],
  bundle: true,
  minify: true,
  outfile: "../bot/web/static/dist/widget.css",
});
