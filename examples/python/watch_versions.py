"""A watcher for new versions: polls api/index.json, and only when its
`content_hash` moved reads the Atom feed, whose version entries name their
version and link their edition JSON.

Usage: watch_versions.py INDEX_URL [STATE_FILE]
Run it from cron: it prints what is new since the last run.
"""

import json
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

from exports import fetch, fetch_json, find, index_url, urljoin

ATOM = "{http://www.w3.org/2005/Atom}"
index_address = index_url()
state_file = sys.argv[2] if len(sys.argv) > 2 else os.path.join(tempfile.gettempdir(), "craft-watch.json")
state = json.load(open(state_file)) if os.path.exists(state_file) else {"content_hash": None, "versions": []}

index = fetch_json(index_address)
if index["content_hash"] == state["content_hash"]:
    print("nothing changed")
    sys.exit(0)
feed_address = urljoin(index_address, find(index["languages"], code="en")["feed"])
feed = ET.fromstring(fetch(feed_address))
versions = {}
for entry in feed.iter(f"{ATOM}entry"):
    version = [c.get("term") for c in entry.iter(f"{ATOM}category") if c.get("scheme") == "urn:craftpub:version"]
    json_link = [l.get("href") for l in entry.iter(f"{ATOM}link") if l.get("type") == "application/json"]
    if version and json_link:
        versions[version[0]] = urljoin(feed_address, json_link[0])
new = sorted(set(versions) - set(state["versions"]))
for v in new:
    edition = fetch_json(versions[v])
    print(f"new version {v} ({edition['version']['status']}, {edition['version']['date']}): {len(edition['requirements'])} requirements, {versions[v]}")
json.dump({"content_hash": index["content_hash"], "versions": sorted(versions)}, open(state_file, "w"))
assert versions, "the feed names its versions"
