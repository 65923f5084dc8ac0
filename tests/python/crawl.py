"""Crawls the data exports from api/index.json and reports every broken
reference.

Usage: crawl.py INDEX_URL

Every JSON export is validated (Python jsonschema, draft 2020-12) against
the schema its `$schema` names, resolved against the file's address; the
validation collects every value its schema marks `"format":
"uri-reference"`. Each is joined (RFC 3986) to the address of the file that
holds it, and so is every `href`/`src` inside an HTML string, every `url` of
a CSV and every link of an Atom feed. A reference is broken when its file
is missing or its `#fragment` names no `id` in the page. Exports reached
are crawled in turn. Prints the counts as JSON; exits 1 on any broken
reference or invalid file.
"""

import csv
import io
import json
import re
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator, FormatChecker

start = sys.argv[1]
site = urljoin(start, "../")
cache = {}


def fetch(url):
    if url not in cache:
        try:
            with urllib.request.urlopen(url) as r:
                cache[url] = r.read()
        except (urllib.error.URLError, OSError):
            cache[url] = None
    return cache[url]


ids = {}


def anchors(url):
    if url not in ids:
        body = fetch(url) or b""
        ids[url] = set(re.findall(r'\bid="([^"]+)"', body.decode("utf-8", "replace")))
    return ids[url]


schemas = {}
queue = [start]
seen = {start}
broken = []
invalid = []
counts = {"files": 0, "json": 0, "references": 0, "html_links": 0, "csv_urls": 0, "feed_links": 0}
HREF = re.compile(r'\b(?:href|src)="([^"]*)"')


def check(holder, reference, kind):
    counts[kind] += 1
    target = urljoin(holder, reference)
    if not target.startswith(site):
        return  # off the site (the licence, the OECD guidance)
    address, fragment = urldefrag(target)
    if fetch(address) is None:
        broken.append(f"{holder}: {reference} -> {address} is missing")
        return
    if fragment and address.endswith(".html") and fragment not in anchors(address):
        broken.append(f"{holder}: {reference} -> no id {fragment!r} in {address}")
        return
    if address.endswith((".json", ".jsonld", ".csv", ".xml")) and address not in seen:
        seen.add(address)
        queue.append(address)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)


while queue:
    url = queue.pop(0)
    body = fetch(url)
    if body is None:
        broken.append(f"{url} is missing")
        continue
    counts["files"] += 1
    if url.endswith(".csv"):
        # An edition's requirements link their pages; a termbase (glossary.csv) has no links.
        if url.endswith("/requirements.csv"):
            for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))):
                check(url, row["url"], "csv_urls")
        continue
    if url.endswith(".xml"):
        for link in ET.fromstring(body).iter("{http://www.w3.org/2005/Atom}link"):
            check(url, link.get("href"), "feed_links")
        continue
    value = json.loads(body)
    counts["json"] += 1
    if value.get("$schema") == "https://json-schema.org/draft/2020-12/schema":
        Draft202012Validator.check_schema(value)  # a schema: valid, and the exports' own validation uses it
        counts["schemas"] = counts.get("schemas", 0) + 1
        continue
    schema_url = urljoin(url, value["$schema"])
    if schema_url not in schemas:
        if fetch(schema_url) is None:
            broken.append(f"{url}: its schema {value['$schema']} is missing")
            continue
        schemas[schema_url] = json.loads(fetch(schema_url))
        check(url, value["$schema"], "references")
    found = []
    checker = FormatChecker()
    checker.checks("uri-reference")(lambda v: found.append(v) or True if isinstance(v, str) else True)
    errors = list(Draft202012Validator(schemas[schema_url], format_checker=checker).iter_errors(value))
    if errors:
        invalid.append(f"{url}: {errors[0].message} at {list(errors[0].absolute_path)}")
    for reference in sorted(set(found)):
        check(url, reference, "references")
    for s in strings(value):
        if "<" in s:
            for reference in HREF.findall(s):
                check(url, reference.replace("&amp;", "&"), "html_links")

counts["broken"] = len(broken)
counts["invalid"] = len(invalid)
print(json.dumps(counts))
for line in (broken + invalid)[:40]:
    print(line, file=sys.stderr)
sys.exit(1 if broken or invalid else 0)
