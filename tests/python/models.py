"""Generates Pydantic models from the published JSON Schemas with
datamodel-code-generator, and loads every export with them, and a 2.2
edition that adds a commodity no schema names.

Usage: models.py SITE_DIR WORK_DIR

The 2.2 edition is the latest edition with its version renamed 2.2 and a
new commodity (`lithium`) on a requirement: a client generated from the
2.x schemas reads it (the open vocabularies), Python jsonschema validates
it against the published schema, and the vocabulary check names the new
code, which is how a client learns it should fetch the new vocabulary.
Prints the counts as JSON; exits 1 on any failure.
"""

import importlib.util
import json
import pathlib
import subprocess
import sys

from jsonschema import Draft202012Validator

site = pathlib.Path(sys.argv[1])
work = pathlib.Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)
index = json.loads((site / "api/index.json").read_text())
models = {}
for name, ref in sorted(index["schemas"].items()):
    schema = site / "api" / ref
    out = work / f"model_{name}.py"
    result = subprocess.run(
        [
            "datamodel-codegen",
            "--input", str(schema),
            "--input-file-type", "jsonschema",
            "--output-model-type", "pydantic_v2.BaseModel",
            "--class-name", "Export",
            "--output", str(out),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"datamodel-codegen failed on {schema}:\n{result.stderr}")
    spec = importlib.util.spec_from_file_location(f"model_{name}", out)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its annotations resolve in it
    spec.loader.exec_module(module)
    models[schema.resolve()] = (name, module.Export, Draft202012Validator(json.loads(schema.read_text())))

counts = {"models": len(models), "loaded": 0}
failures = []
for path in sorted(site.rglob("*.json*")):
    if not path.name.endswith((".json", ".jsonld")) or "schema" in path.parent.name:
        continue
    value = json.loads(path.read_text())
    schema = (path.parent / value["$schema"]).resolve()
    name, model, validator = models[schema]
    try:
        model.model_validate(value)
        counts["loaded"] += 1
    except Exception as e:  # noqa: BLE001 - report every file that fails
        failures.append(f"{path}: {name}: {e}")

# A 2.2 that adds a commodity.
latest = next(v["id"] for v in index["versions"] if v["latest"])
edition = json.loads((site / f"api/en/{latest}/edition.json").read_text())
edition["version"].update({"id": "2.2", "previous": latest})
edition["requirements"][0]["metadata"]["commodities"] = ["gold", "lithium"]
name, model, validator = models[(site / "api/schema/edition.schema.json").resolve()]
loaded = model.model_validate(edition)
commodities = loaded.requirements[0].metadata.commodities
assert commodities == ["gold", "lithium"], commodities
errors = list(validator.iter_errors(edition))
assert not errors, errors[0].message
vocabulary = json.loads((site / "api/en/vocabulary.json").read_text())
known = {t["code"] for t in vocabulary["terms"]["commodities"]}
unknown = [c for r in edition["requirements"] for c in r["metadata"]["commodities"] if c not in known]
assert unknown == ["lithium"], unknown
counts["new_commodity_read"] = True

print(json.dumps(counts))
for f in failures[:20]:
    print(f, file=sys.stderr)
sys.exit(1 if failures or counts["loaded"] == 0 else 0)
