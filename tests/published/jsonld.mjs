// jsonld.js (the theme's devDependency) on criteria catalogues: each file's
// RDF dataset, canonicalised (RDFC-1.0, so blank nodes get the same labels
// in every processor), written as N-Quads to OUT/<n>.jsonld-js.nq. A
// relative IRI, an unmapped term or a dropped value is an error, not a
// silently lost triple. Usage: node jsonld.mjs OUT FILE...
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(new URL('../../theme/package.json', import.meta.url));
const jsonld = require('jsonld');
const [out, ...files] = process.argv.slice(2);
let code = 0;
for (const [i, file] of files.entries()) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  try {
    // Every event jsonld.js reports (a relative IRI, a dropped value) is a
    // fault, but one: `$schema`, which the context maps to nothing on purpose.
    const faults = [];
    const eventHandler = ({ event, next }) => {
      if (!(event.code === 'invalid property' && event.details?.property === '$schema')) faults.push(event);
      next();
    };
    const nquads = await jsonld.canonize(doc, { algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: false, eventHandler });
    if (faults.length) throw Object.assign(new Error(`${faults.length} faults`), { details: faults.slice(0, 5) });
    fs.writeFileSync(path.join(out, `${i}.jsonld-js.nq`), nquads);
    console.log(`jsonld.js ${file}: ${nquads.split('\n').filter(Boolean).length} triples`);
  } catch (e) {
    console.log(`jsonld.js ${file}: ${e.message} ${JSON.stringify(e.details || {}).slice(0, 500)}`);
    code = 1;
  }
}
process.exit(code);
