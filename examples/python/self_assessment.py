"""A producer's self-assessment spreadsheet, carried from one version to the
next: the answers given for the earlier version's requirements are put on
the later version's, following renumberings (`earlier_ids`).

Usage: self_assessment.py INDEX_URL [FROM TO] [OUT_DIR]
Uses the two editions' CSV files.
"""

import csv
import io
import os
import sys
import tempfile

from exports import fetch, fetch_json, find, index_url, latest_version, urljoin

index_address = index_url()
index = fetch_json(index_address)
if len(sys.argv) >= 4:
    old, new = sys.argv[2], sys.argv[3]
else:
    new = latest_version(index)
    old = find(index["versions"], id=new)["previous"]
out_dir = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp()


def rows(version):
    entry = find(index["editions"], version=version, lang="en")
    text = fetch(urljoin(index_address, entry["csv"])).decode("utf-8-sig")
    return [r for r in csv.DictReader(io.StringIO(text)) if "producer" in r["applies-to"].split(", ")]


# The producer fills in the earlier version's sheet (here: every other one met).
before = rows(old)
sheet = os.path.join(out_dir, f"self-assessment-{old}.csv")
with open(sheet, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "title", "met"])
    for i, r in enumerate(before):
        w.writerow([r["id"], r["title"], "yes" if i % 2 == 0 else "no"])

# Carried over: a requirement of the later version takes the answer given to
# its ID in the earlier version (its own, or the one `earlier_ids` names).
with open(sheet, newline="", encoding="utf-8") as f:
    answers = {r["id"]: r["met"] for r in csv.DictReader(f)}
after = rows(new)
carried = 0
new_sheet = os.path.join(out_dir, f"self-assessment-{new}.csv")
with open(new_sheet, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "title", "met", "answered_in"])
    for r in after:
        earlier = dict(e.split(":", 1) for e in r["earlier_ids"].split(", ") if e)
        old_id = earlier.get(old)
        met = answers.get(old_id, "") if old_id else ""
        carried += bool(met)
        w.writerow([r["id"], r["title"], met, f"{old}:{old_id}" if met else "new: to answer"])
print(f"{len(before)} answers for {old}; {carried} of {len(after)} carried to {new}; {new_sheet}")
assert carried > 0, "answers carry over"
