"""Reads {"versions": [...], "specs": [...]} on stdin; prints one line per spec:
"E" when semantic_version's SimpleSpec rejects it, else a string of 0/1 over the versions."""
import json
import sys

import semantic_version

document = json.load(sys.stdin)
versions = [semantic_version.Version(text) for text in document["versions"]]
lines = []
for spec in document["specs"]:
    try:
        clause = semantic_version.SimpleSpec(spec)
    except ValueError:
        lines.append("E")
        continue
    lines.append("".join("1" if clause.match(version) else "0" for version in versions))
sys.stdout.write("\n".join(lines) + "\n")
