"""What the six example programs share: fetching an export and resolving
its references.

Every reference in the exports is relative to the file that holds it
(RFC 3986) or absolute, so `urljoin(address_of_the_file, reference)` is the
whole rule: it works at a host root, under a path and from file://.
"""

import json
import sys
import urllib.request
from urllib.parse import urljoin


def fetch(url):
    """The bytes at `url` (http://, https:// or file://)."""
    with urllib.request.urlopen(url) as response:
        return response.read()


def fetch_json(url):
    """The JSON at `url`."""
    return json.loads(fetch(url))


def index_url():
    """The address of api/index.json, from the command line."""
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} INDEX_URL  (e.g. https://example.org/craft/api/index.json)")
    return sys.argv[1]


def find(entries, **wanted):
    """The first entry whose fields have the wanted values."""
    for entry in entries:
        if all(entry.get(k) == v for k, v in wanted.items()):
            return entry
    raise SystemExit(f"no entry with {wanted}")


def latest_version(index):
    """The ID of the latest version."""
    return find(index["versions"], latest=True)["id"]


def labels(vocabulary, field):
    """Code -> label for one field's vocabulary."""
    return {t["code"]: t["label"] for t in vocabulary["terms"][field]}


__all__ = ["fetch", "fetch_json", "index_url", "find", "latest_version", "labels", "urljoin"]
