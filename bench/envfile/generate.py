"""Writes a .env file for the benchmark: N lines (default 100,000) in the subset all
three readers agree on, a tenth of them using ${...} expansion. Seeded: the same
file every time."""

import random
import sys

lines = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
path = sys.argv[1]
rng = random.Random(42)
keys = []
with open(path, "w") as out:
    for number in range(lines):
        kind = number % 10
        key = f"KEY_{number}"
        if kind == 0 and keys:
            if rng.random() < 0.5:
                out.write(f"{key}=${{{rng.choice(keys)}}}/suffix\n")
            else:
                out.write(f"{key}=${{UNSET_{number}:-default}}\n")
        elif kind == 1:
            out.write(f"# comment {number}\n")
        elif kind == 2:
            out.write(f"export {key}=exported_{number}\n")
        elif kind == 3:
            out.write(f'{key}="quoted value {number}\\n"\n')
        elif kind == 4:
            out.write(f"{key}='single {number}'\n")
        elif kind == 5:
            out.write(f"{key}=value_{number} # inline comment\n")
        elif kind == 6:
            out.write(f"{key}=\n")
        elif kind == 7:
            out.write(f"{key}={rng.randint(0, 10**9)}\n")
        else:
            out.write(f"{key}=some value with spaces {number}\n")
        if kind != 1:
            keys.append(key)
