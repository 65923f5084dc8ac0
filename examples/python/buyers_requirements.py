"""The requirements that apply to buyers, in English and in Spanish, with the
labels of their level and timeframe in each language.

Uses, per language, the edition JSON and the vocabulary.
"""

from exports import fetch_json, find, index_url, labels, latest_version, urljoin

index_address = index_url()
index = fetch_json(index_address)
version = latest_version(index)
for lang in ["en", "es"]:
    entry = find(index["editions"], version=version, lang=lang)
    edition_address = urljoin(index_address, entry["json"])
    edition = fetch_json(edition_address)
    vocabulary = fetch_json(urljoin(edition_address, edition["vocabulary"]))
    level, timeframe = labels(vocabulary, "level"), labels(vocabulary, "timeframe")
    buyers = [r for r in edition["requirements"] if "buyer" in r["metadata"]["applies-to"]]
    print(f"# {edition['standard']} {version} ({lang}): {len(buyers)} requirements for buyers")
    for r in buyers:
        m = r["metadata"]
        print(f"{r['id']}\t{r['title']}\t{level[m['level']]}\t{timeframe[m['timeframe']]}\t{urljoin(edition_address, r['url'])}")
    assert buyers, "the Code has requirements for buyers"
