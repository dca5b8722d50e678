#!/usr/bin/env python3
# Regenerates data/aliases/misp-galaxy.jsonl (one alias group per line) from the MISP galaxy
# clusters in ../shared/data/misp-galaxy: threat-actor.json (value + meta.synonyms) and
# terrorist-groups.json (title, its parentheticals and the alias list in meta.summary).
"""Usage: python3 data/aliases/generate.py [MISP_CLUSTERS_DIR] > data/aliases/misp-galaxy.jsonl

Python 3 standard library only. Output is deterministic (sorted by file, then uuid).
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(
    os.path.join(HERE, "..", "..", "..", "shared", "data", "misp-galaxy", "clusters"))

# Summary fragments that the splitter cannot tell apart from names (ideologies, bare words
# cut out of a longer name). Reviewed by hand against terrorist-groups.json.
DROP = {
    "leninism",
    "marxism",
    "maoism and the thoughts of chairman gonzalo",
    "the communist party of peru by the shining path of jose carlos mariategui and marxism",
    "n/a",
    "the youth",
    "youth wing",
    "youth",
    "islamic group",  # both Al-Gama'a al-Islamiyya and Jemaah Islamiyyah: not an alias
}

# Fragments whose " and " the splitter gets wrong, with their correct pieces.
FIX = {
    "A. I. C. Sogo Kenkyusho and Aleph": ["A. I. C. Sogo Kenkyusho", "Aleph"],
    "People's Congress of Kurdistan and Kongra-Gel": ["People's Congress of Kurdistan",
                                                      "Kongra-Gel"],
}

ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9.&'\-–]{0,9}$")


def clean(name):
    name = re.sub(r"\s+", " ", name).strip(" .;,:\u00a0")
    name = re.sub(r"^(and|or) ", "", name)
    name = re.sub(r"^the ", "", name)  # lowercase "the" only: "The Base" is a name
    return name.strip()


def split_top(text, seps):
    """Splits on any character of seps outside parentheses."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if depth == 0 and ch in seps:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def words(s):
    return len(s.split())


def split_last_and(item):
    """'A B and C D' -> ['A B', 'C D']: the last ' and ' outside parentheses with >= 2 words
    on its right (or an acronym) and a name on its left."""
    if item in FIX:
        return FIX[item]
    if "(" in item:
        return [item]
    parts = item.split(" and ")
    for i in range(len(parts) - 1, 0, -1):
        left, right = " and ".join(parts[:i]), " and ".join(parts[i:])
        if words(left) >= 1 and (words(right) >= 2 or ACRONYM.match(right.strip())):
            return [left, right]
    return [item]


def with_parentheticals(name):
    """'Name (ABC) (Other Name)' -> ['Name', 'ABC', 'Other Name']. Parenthetical pieces split
    on , and / are kept when they are acronyms or have two or more words ('(Mohammad,
    Muhammad)' spelling notes and '(brigade)' glosses are dropped)."""
    out = []
    base = re.sub(r"\([^()]*\)", " ", name)
    out.append(base)
    for inner in re.findall(r"\(([^()]*)\)", name):
        for piece in re.split(r"[,/]| or ", inner):
            piece = clean(piece)
            if ACRONYM.match(piece) or words(piece) >= 2:
                out.append(piece)
    return out


def summary_names(summary):
    if not summary or summary.strip().upper() == "N/A":
        return []
    items = [clean(i) for i in split_top(summary, ",;")]
    items = [i for i in items if i]
    if items:
        items[-1:] = split_last_and(items[-1])
    out = []
    for item in items:
        out.extend(with_parentheticals(item))
    return out


def add(names, seen, name):
    name = clean(name)
    if not name or name.lower() in DROP or len(name) < 2:
        return
    if name.lower() in seen:
        return
    seen.add(name.lower())
    names.append(name)


def record(file_name, value, names):
    source = "misp-galaxy:%s:%s" % (file_name, value["uuid"])
    canonical = names[0]
    return {"id": source, "canonical": canonical, "names": {"und": names}, "source": source}


def terrorist_groups(path):
    data = json.load(open(path, encoding="utf-8"))
    out = []
    for v in data["values"]:
        names, seen = [], set()
        title = v["value"]
        for t in split_top(title, ","):
            for n in with_parentheticals(t):
                add(names, seen, n)
        for n in summary_names(v.get("meta", {}).get("summary", "")):
            add(names, seen, n)
        for n in v.get("meta", {}).get("synonyms", []) or []:
            add(names, seen, n)
        if names:
            out.append(record(os.path.basename(path), v, names))
    return out


def threat_actors(path):
    data = json.load(open(path, encoding="utf-8"))
    out = []
    for v in data["values"]:
        names, seen = [], set()
        add(names, seen, v["value"])
        for n in v.get("meta", {}).get("synonyms", []) or []:
            add(names, seen, n)
        if names:
            out.append(record(os.path.basename(path), v, names))
    return out


def main():
    clusters = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    records = terrorist_groups(os.path.join(clusters, "terrorist-groups.json"))
    records += threat_actors(os.path.join(clusters, "threat-actor.json"))
    records.sort(key=lambda r: r["id"])
    sys.stdout.write("# Generated by data/aliases/generate.py from MISP galaxy clusters "
                     "(terrorist-groups.json, threat-actor.json); do not edit by hand.\n")
    for r in records:
        sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
