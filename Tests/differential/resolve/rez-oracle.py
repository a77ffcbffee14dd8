"""Writes random rez repositories and resolves requests against them with rez itself.

Usage: rez-oracle.py FOLDER SEED COUNT

Makes COUNT repositories under FOLDER (FOLDER/N/NAME/VERSION/package.py), each of a few
packages with a few versions, whose requirements and variants name the other packages with
rez's range forms, weak (`~`) and conflict (`!`) marks, and several requests for each. Each
request is resolved with rez (`ResolvedContext`, no implicit packages) and FOLDER/cases.json
lists {"repository", "request", "status": "solved" | "failed" | "error", "packages":
{name: [version, variant index or null]}, "order": [name, ...]} (order: rez's order of the
packages, which their commands run in): "failed" where rez finds no answer, "error" where
it stops with one of its own errors (a package no version of which is in the range
required, a variant whose own requirements conflict). Requests on which rez itself crashes
(a Python TypeError comparing versions) are left out. Every requirement written is one rez
reads; the same SEED writes the same repositories and requests.
"""

import json
import os
import random
import sys

from rez.exceptions import PackageFamilyNotFoundError, PackageNotFoundError, ResolveError
from rez.resolved_context import ResolvedContext
from rez.version import Requirement

NAMES = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "py", "a_b"]
COMMON_TOKENS = ["0", "1", "2", "3", "10"]
OTHER_TOKENS = ["1a", "a", "alpha", "beta", "rc1", "b2", "x86_64", "7"]


def version(rng):
    tokens = [rng.choice(COMMON_TOKENS) if rng.random() < 0.8 else rng.choice(OTHER_TOKENS)
              for _ in range(rng.choice([1, 1, 2, 2, 3]))]
    text = tokens[0]
    for token in tokens[1:]:
        text += rng.choice([".", ".", ".", "-"]) + token
    return text


def range_text(rng, versions):
    low = rng.choice(versions) if rng.random() < 0.8 else version(rng)
    high = rng.choice(versions)
    return rng.choice([low, low + "+", "<" + low, low + "+<" + high, "==" + low,
                       low + "|" + high, ">=" + low, "<=" + low, ">" + low,
                       low + ".." + high])


def requirement(rng, name, versions, marks=True):
    """A requirement rez reads: tried again until rez accepts it (a range whose lower end
    lies above its upper end is refused)."""
    while True:
        text = name
        if rng.random() < 0.5:
            spec = range_text(rng, versions)
            text += spec if spec[0] in "<>=" else "-" + spec
        mark = rng.random()
        if marks and mark < 0.1:
            text = "~" + text
        elif marks and mark < 0.17:
            text = "!" + text
        try:
            Requirement(text)
            return text
        except Exception:
            continue


def write_repository(rng, root):
    names = rng.sample(NAMES, rng.randint(3, len(NAMES)))
    versions = {name: sorted({version(rng) for _ in range(rng.randint(1, 6))}) for name in names}
    for name in names:
        for number in versions[name]:
            others = [other for other in names if other != name]
            required = rng.sample(others, rng.randint(0, min(2, len(others))))
            lines = [f"name = {name!r}", f"version = {number!r}"]
            if required:
                lines.append(f"requires = {[requirement(rng, o, versions[o]) for o in required]!r}")
            if rng.random() < 0.35:
                pool = [other for other in others if other not in required] or others
                variants = [[requirement(rng, o, versions[o], marks=False)
                             for o in rng.sample(pool, rng.randint(1, min(2, len(pool))))]
                            for _ in range(rng.randint(1, 3))]
                lines.append(f"variants = {variants!r}")
            folder = os.path.join(root, name, number)
            os.makedirs(folder)
            with open(os.path.join(folder, "package.py"), "w") as out:
                out.write("\n".join(lines) + "\n")
    return names, versions


def resolve(request, repository):
    try:
        context = ResolvedContext(request, package_paths=[repository],
                                  add_implicit_packages=False)
    except (PackageFamilyNotFoundError, PackageNotFoundError, ResolveError):
        return "error", {}, []
    except TypeError:
        return None, {}, []
    if context.status.name != "solved":
        return "failed", {}, []
    return ("solved", {p.name: [str(p.version), p.index] for p in context.resolved_packages},
            [p.name for p in context.resolved_packages])


def main():
    folder, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    cases = []
    for number in range(count):
        repository = os.path.join(folder, str(number))
        names, versions = write_repository(rng, repository)
        for _ in range(4):
            request = [requirement(rng, name, versions[name])
                       for name in rng.sample(names, rng.randint(1, min(4, len(names))))]
            status, packages, order = resolve(request, repository)
            if status is not None:
                cases.append({"repository": repository, "request": request, "status": status,
                              "packages": packages, "order": order})
    with open(os.path.join(folder, "cases.json"), "w") as out:
        json.dump(cases, out)


main()
