"""Reads .env files with python-dotenv and prints what it made of each, for the
differential test of flow's python dialect.

Usage: dotenv_oracle.py FILE...
Prints one JSON object per file and mode:
  {"file": F, "interpolate": bool, "values": [[key, value-or-null], ...], "errors": N}
where errors counts the statements python-dotenv refused (it logs a warning for each).
Exits 69 when python-dotenv cannot be imported or is older than 1.2.4, the release
flow's python dialect follows.
"""

import json
import logging
import sys
from importlib import metadata

WANTED = (1, 2, 4)

try:
    from dotenv import dotenv_values
except ImportError:
    sys.stderr.write("dotenv_oracle: python-dotenv is missing: pip install 'python-dotenv>=1.2.4'\n")
    sys.exit(69)

version = metadata.version("python-dotenv")
if tuple(int(part) for part in version.split(".")[:3] if part.isdigit()) < WANTED:
    sys.stderr.write(
        "dotenv_oracle: python-dotenv %s reads some files differently from 1.2.4: "
        "pip install 'python-dotenv>=1.2.4', or name another interpreter in FLOW_PYTHON\n" % version
    )
    sys.exit(69)


class Counter(logging.Handler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        if "could not parse" in record.getMessage():
            self.count += 1


def main():
    counter = Counter()
    logger = logging.getLogger("dotenv.main")
    logger.addHandler(counter)
    logger.propagate = False
    for path in sys.argv[1:]:
        for interpolate in (True, False):
            counter.count = 0
            values = dotenv_values(path, interpolate=interpolate)
            print(json.dumps({
                "file": path,
                "interpolate": interpolate,
                "values": [[k, v] for k, v in values.items()],
                "errors": counter.count,
            }))


main()
