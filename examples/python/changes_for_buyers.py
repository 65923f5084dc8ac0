"""What changed for buyers from one version to the next (by default the
latest version and the one before it): one diff JSON, one line of filter.

Usage: changes_for_buyers.py INDEX_URL [FROM TO]
"""

import sys

from exports import fetch_json, find, index_url, latest_version, urljoin

index_address = index_url()
index = fetch_json(index_address)
if len(sys.argv) >= 4:
    old, new = sys.argv[2], sys.argv[3]
else:
    new = latest_version(index)
    old = find(index["versions"], id=new)["previous"]
diff = fetch_json(urljoin(index_address, find(index["diffs"], **{"from": old, "to": new, "lang": "en"})["json"]))

# The role filter: one line over one file.
for_buyers = [c for c in diff["changes"] if "buyer" in (c["new_metadata"] or c["old_metadata"])["applies-to"]]

print(f"# Changes for buyers from {old} to {new}: {len(for_buyers)} of {len(diff['changes'])}")
for c in for_buyers:
    why = ", ".join(f"{a['version']}/{a['id']}" for a in c["amendments"])
    print(f"{c['change']:<10} {c['old_id'] or '-':<8} -> {c['id'] or '-':<8} {c['new_title'] or c['old_title']}  [{why}]")
    if c["metadata_changed"]:
        for field in c["metadata_changed"]:
            print(f"    {field}: {c['old_metadata'][field]} -> {c['new_metadata'][field]}")
