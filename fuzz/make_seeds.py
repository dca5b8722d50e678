#!/usr/bin/env python3
"""Builds the run-time seed corpora of the fuzz targets from ../shared/data (which must not be
copied into the repository): small STIX objects and bundles, TAXII queries naming their ids
and timestamps, multilingual names and report lines for the text and search targets, HTTP
requests carrying real objects. Usage: make_seeds.py SHARED_DATA_DIR OUT_DIR
Writes OUT_DIR/<target>/<n>; deterministic; a few tens of KB per target."""
import glob
import json
import os
import sys

MAX_OBJECT = 3000  # bytes of one seed object
PER_TYPE = 2       # objects kept per STIX type


def objects(data):
    files = sorted(glob.glob(os.path.join(data, "cti-documentation-examples/examples/*/*.json")))
    files += sorted(glob.glob(os.path.join(data, "attack-stix-data/*/*.json")))
    seen = {}
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                bundle = json.load(f)
        except (OSError, ValueError):
            continue
        for obj in bundle.get("objects", []):
            text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            kept = seen.setdefault(obj.get("type", ""), [])
            if len(text.encode()) <= MAX_OBJECT and len(kept) < PER_TYPE:
                kept.append(obj)
    return [o for kept in seen.values() for o in kept]


def names(data):
    out = []
    for cluster in ("threat-actor", "terrorist-groups"):
        path = os.path.join(data, "misp-galaxy/clusters", cluster + ".json")
        try:
            with open(path, encoding="utf-8") as f:
                values = json.load(f)["values"]
        except (OSError, ValueError, KeyError):
            continue
        for v in values:
            synonyms = v.get("meta", {}).get("synonyms", [])
            if any(ord(c) > 0x7f for s in synonyms for c in s):  # other scripts first
                out.append([v["value"]] + synonyms[:4])
        out += [[v["value"]] + v.get("meta", {}).get("synonyms", [])[:2] for v in values[:10]]
    return out[:30]


def report_lines(data):
    try:
        with open(os.path.join(data, "reports/ar-joint-operations-centre.txt"), encoding="utf-8") as f:
            return [line.strip()[:400] for line in f if line.strip()][:8]
    except OSError:
        return []


def write(out, target, items):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    for i, item in enumerate(items):
        with open(os.path.join(folder, "shared-%03d" % i), "wb") as f:
            f.write(item if isinstance(item, bytes) else item.encode("utf-8"))


def main():
    data, out = sys.argv[1], sys.argv[2]
    objs = objects(data)
    compact = [json.dumps(o, ensure_ascii=False, separators=(",", ":")) for o in objs]
    bundle = json.dumps({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                         "objects": objs[:6]}, ensure_ascii=False)
    write(out, "fuzz_stix", compact + [bundle])

    ids = [o["id"] for o in objs if "id" in o]
    stamps = [o["modified"] for o in objs if "modified" in o]
    queries = ["match[id]=" + i for i in ids[:10]]
    queries += ["added_after=%s&match[version]=%s,first" % (t, t) for t in stamps[:5]]
    queries.append("match[type]=" + ",".join(sorted({o["type"] for o in objs})[:8]))
    write(out, "fuzz_taxii_params", queries)

    lines = report_lines(data)
    name_lists = names(data)
    write(out, "fuzz_text", lines + ["\n".join(n) for n in name_lists])
    words = [w for line in lines[:3] for w in line.split()[:6]]
    searches = ["\x00" + " ".join(words[i:i + 3]) for i in range(0, len(words), 3)]
    searches += ["\x00name:\"%s\"" % n[0] for n in name_lists[:10]]
    searches += ["\x00%s OR %s" % (n[0], n[-1]) for n in name_lists[:10] if len(n) > 1]
    write(out, "fuzz_search_query", searches)

    api = "/taxii2/hub/collections/coalition/"
    requests = []
    for body in [bundle] + [json.dumps({"objects": [o]}, ensure_ascii=False) for o in objs[:6]]:
        raw = body.encode("utf-8")
        requests.append(("POST %sobjects/ HTTP/1.1\r\nHost: localhost\r\n"
                         "Content-Type: application/taxii+json;version=2.1\r\n"
                         "Accept: application/taxii+json;version=2.1\r\n"
                         "Content-Length: %d\r\n\r\n" % (api, len(raw))).encode() + raw)
    for i in ids[:8]:
        requests.append(("GET %sobjects/%s/versions/ HTTP/1.1\r\nHost: localhost\r\n\r\n"
                         % (api, i)).encode())
    write(out, "fuzz_http", requests)


if __name__ == "__main__":
    main()
