"""One requirement's history: its ID, change and text in every version, and
the amendment entry (with its rationale) behind each change.

Usage: requirement_history.py INDEX_URL [ID] [LANG]
Uses the requirement's history JSON and the amendment histories it points to.
"""

import sys

from exports import fetch_json, find, index_url, urljoin

index_address = index_url()
index = fetch_json(index_address)
lang = sys.argv[3] if len(sys.argv) > 3 else "en"
histories = [h for h in index["histories"] if h["lang"] == lang]
if len(sys.argv) > 2:
    entry = find(histories, lineage=sys.argv[2])
else:
    # The first requirement that was renumbered, or else the first one.
    entry = histories[0]
    for h in histories:
        candidate = fetch_json(urljoin(index_address, h["json"]))
        if any(s["change"] == "renumbered" for s in candidate["steps"]):
            entry = h
            break
history_address = urljoin(index_address, entry["json"])
history = fetch_json(history_address)
amendment_files = {}
text = None
print(f"# History of {history['lineage']} ({history['lang']})")
for step in history["steps"]:
    text = step["text"] or text  # stored only where it changed
    print(f"{step['version']}: {step['id']} ({step['change']}) {text['title']}")
    for pointer in step["amendments"]:
        address = urljoin(history_address, pointer["json"])
        amendments = amendment_files.setdefault(address, fetch_json(address))
        e = find(amendments["entries"], id=pointer["id"])
        print(f"    why: {e['title']}: {e['rationale']}")
if history["removed"]:
    print(f"removed in {history['removed']['version']}")
