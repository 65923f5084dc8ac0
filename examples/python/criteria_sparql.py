"""The JSON-LD criteria catalogue in rdflib: the obligations for buyers of
the latest version, with SPARQL.

Uses the version's criteria.jsonld.
"""

import rdflib

from exports import fetch, fetch_json, find, index_url, latest_version, urljoin

index_address = index_url()
index = fetch_json(index_address)
address = urljoin(index_address, find(index["versions"], id=latest_version(index))["criteria"])
graph = rdflib.Graph()
# The catalogue's ids are resolved against its own address, as JSON-LD says.
graph.parse(data=fetch(address), format="json-ld", publicID=address)
query = """
PREFIX svc: <https://test.uncefact.org/vocabulary/untp/svc/0/>
PREFIX sdo: <https://schema.org/>
SELECT ?criterion ?identifier ?name WHERE {
  ?criterion a svc:Criterion ;
             sdo:identifier ?identifier ;
             sdo:name ?name ;
             svc:tag "level:obligation", "applies-to:buyer" .
} ORDER BY ?identifier
"""
results = list(graph.query(query))
print(f"# {len(results)} obligations for buyers in {address}")
for criterion, identifier, name in results:
    print(f"{identifier}\t{name}\t{criterion}")
assert results, "the catalogue has obligations for buyers"
