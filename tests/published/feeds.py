"""feedparser on Atom feeds: each must parse without a fault (bozo 0) and
name itself with a rel="self" link. Usage: python3 feeds.py BASE FILE...,
BASE the site's base URL or "" (then the feed is read as if from a mirror,
https://mirror.example/any/path/, and its relative self link must resolve
to that address). Prints one JSON line per feed; exits 1 on a fault."""

import json
import sys
from pathlib import Path

import feedparser

base, files = sys.argv[1], sys.argv[2:]
bad = 0
for name in files:
    path = Path(name)
    with open(path, "rb") as f:
        # The feed as a reader gets it: its bytes, from its address.
        # Without a base URL, from a mirror under some path: relative links resolve there.
        address = (base or "https://mirror.example/any/path/") + name.split("/public/", 1)[1]
        d = feedparser.parse(f.read(), response_headers={"content-location": address, "content-type": "application/atom+xml"})
    selfs = [link.get("href") for link in d.feed.get("links", []) if link.get("rel") == "self"]
    ok = d.bozo == 0 and selfs == [address] and len(d.entries) > 0
    print(json.dumps({"feed": name, "bozo": int(d.bozo), "self": selfs, "address": address, "entries": len(d.entries), "ok": ok}))
    bad += not ok
sys.exit(1 if bad else 0)
