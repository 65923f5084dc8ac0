"""pyld on criteria catalogues: each file's RDF dataset, canonicalised
(URDNA2015, the algorithm RDFC-1.0 standardised), written as N-Quads to
OUT/<n>.pyld.nq. Usage: python3 jsonld.py OUT FILE..."""

import json
import sys
from pathlib import Path

from pyld import jsonld

out = Path(sys.argv[1])
for i, name in enumerate(sys.argv[2:]):
    doc = json.loads(Path(name).read_text(encoding="utf-8"))
    nquads = jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads"})
    (out / f"{i}.pyld.nq").write_text(nquads, encoding="utf-8")
    print(f"pyld {name}: {len(nquads.splitlines())} triples")
