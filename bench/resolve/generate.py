"""Writes a synthetic catalogue and requests in every format the benchmark needs.

Each of N packages has M versions `MAJOR.MINOR.0`; each version requires 0..K random
lower-numbered packages with a random range, so the graph has no cycles. Outputs, under
OUT: catalog.toml (flow-resolve), problem.json (neutral model for the Python peers and the
validator) and, unless --no-rez, a rez package repository in rez/.
"""
import argparse
import json
import os
import random


def version_text(index):
    return f"{index // 10 + 1}.{index % 10}.0"


def version_key(text):
    return tuple(int(part) for part in text.split("."))


def random_range(rng, versions):
    """A neutral range [low, high) over version texts; either bound may be None."""
    shape = rng.choice(["major", "from", "below", "between", "any"])
    low_index = rng.randrange(len(versions))
    major = int(versions[low_index].split(".")[0])
    if shape == "major":
        return [f"{major}.0.0", f"{major + 1}.0.0"]
    if shape == "from":
        return [versions[low_index], None]
    if shape == "below":
        return [None, f"{major + 1}.0.0"]
    if shape == "between":
        return [versions[low_index], f"{major + 2}.0.0"]
    return [None, None]


def flow_spec(low, high):
    parts = []
    if low:
        parts.append(f">={low}")
    if high:
        parts.append(f"<{high}")
    return ",".join(parts)


def rez_range(low, high):
    if low and high:
        return f"-{low}+<{high}"
    if low:
        return f"-{low}+"
    if high:
        return f"<{high}"
    return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, required=True)
    parser.add_argument("--versions", type=int, required=True)
    parser.add_argument("--max-requires", type=int, required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-rez", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    versions = [version_text(i) for i in range(args.versions)]
    packages = {}
    for index in range(args.packages):
        name = f"p{index}"
        entries = []
        for version in versions:
            requires = []
            if index > 0:
                for other in rng.sample(range(index), min(index, rng.randint(0, args.max_requires))):
                    requires.append([f"p{other}"] + random_range(rng, versions))
            entries.append({"version": version, "requires": requires})
        packages[name] = entries
    requests = []
    for _ in range(args.requests):
        names = rng.sample(range(args.packages), rng.randint(1, min(6, args.packages)))
        requests.append([[f"p{n}"] + (random_range(rng, versions) if rng.random() < 0.5 else [None, None]) for n in names])
    with open(os.path.join(args.out, "problem.json"), "w") as handle:
        json.dump({"packages": packages, "requests": requests}, handle)
    with open(os.path.join(args.out, "catalog.toml"), "w") as handle:
        for name, entries in packages.items():
            for entry in entries:
                handle.write(f'[packages.{name}."{entry["version"]}"]\n')
                handle.write(f'env.PATH.prepend = "/opt/{name}/{entry["version"]}/bin"\n')
                handle.write(f'env.{name.upper()}_ROOT = "/opt/{name}/{entry["version"]}"\n')
                if entry["requires"]:
                    texts = ", ".join(
                        '"' + (f"{dep} {flow_spec(low, high)}".strip()) + '"'
                        for dep, low, high in entry["requires"])
                    handle.write(f"requires = [{texts}]\n")
                handle.write("\n")
    if not args.no_rez:
        for name, entries in packages.items():
            for entry in entries:
                folder = os.path.join(args.out, "rez", name, entry["version"])
                os.makedirs(folder, exist_ok=True)
                requires = [f"{dep}{rez_range(low, high)}" for dep, low, high in entry["requires"]]
                with open(os.path.join(folder, "package.py"), "w") as handle:
                    handle.write(f"name = {name!r}\nversion = {entry['version']!r}\n")
                    handle.write(f"requires = {requires!r}\n")
                    handle.write(
                        "def commands():\n"
                        f"    env.PATH.prepend('/opt/{name}/{entry['version']}/bin')\n")


if __name__ == "__main__":
    main()
