"""What a fasthep-flow user has: PyYAML's C loader, then json.dumps."""
import json
import sys

import yaml

with open(sys.argv[1]) as source:
    document = yaml.load(source, Loader=yaml.CSafeLoader)
sys.stdout.write(json.dumps(document) + "\n")
