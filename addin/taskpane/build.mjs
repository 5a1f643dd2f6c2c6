// Builds the task pane into dist/ (served by the backend at /taskpane/), or with --tests the unit
// tests into dist-tests/ (run by `node --test`). esbuild only: no other build tool.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

// FAST (under Fluent UI) detects :focus-visible by adding a <style> element, which the server's
// Content-Security-Policy (style-src 'self') refuses: ask CSS.supports instead, which needs no element.
const focusVisibleWithoutStyleElement = {
  name: "focus-visible-without-style-element",
  setup(b) {
    b.onLoad({ filter: /fast-web-utilities[\\/]dist[\\/]dom\.js$/ }, async (args) => {
      const { readFile } = await import("node:fs/promises");
      const source = await readFile(args.path, "utf8");
      const patched = source.replace(
        "export function canUseFocusVisible() {",
        "export function canUseFocusVisible() {\n    if (typeof _canUseFocusVisible !== \"boolean\" && typeof CSS !== \"undefined\" && CSS.supports) {\n        _canUseFocusVisible = CSS.supports(\"selector(:focus-visible)\");\n    }",
      );
      if (patched === source) throw new Error("fast-web-utilities changed: revisit the focus-visible patch");
      return { contents: patched, loader: "js" };
    });
  },
};
const tests = process.argv.includes("--tests");

if (tests) {
  const out = join(here, "dist-tests");
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: readdirSync(join(here, "test"))
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => join(here, "test", f)),
    outdir: out,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
} else {
  const out = join(here, "dist");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "assets"), { recursive: true });
  await build({
    entryPoints: { taskpane: join(here, "src/main.ts"), "auth-dialog": join(here, "src/auth-dialog.ts") },
    outdir: out,
    bundle: true,
    splitting: true, // MSAL.js is a chunk of its own, loaded only when the server signs in with Entra ID
    format: "esm",
    target: ["chrome100", "safari15", "edge100"],
    minify: true,
    sourcemap: true,
    chunkNames: "chunks/[name]-[hash]",
    legalComments: "linked",
    plugins: [focusVisibleWithoutStyleElement],
    logLevel: "warning",
  });
  for (const f of readdirSync(join(here, "src"))) {
    if (f.endsWith(".html") || f.endsWith(".css")) cpSync(join(here, "src", f), join(out, f));
  }
  for (const f of readdirSync(join(here, "..", "assets"))) {
    if (f.endsWith(".png")) cpSync(join(here, "..", "assets", f), join(out, "assets", f));
  }
}
