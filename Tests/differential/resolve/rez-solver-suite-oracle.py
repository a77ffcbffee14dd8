"""Resolves the requests of rez's own solver tests with rez itself, on the repository those
tests use (the `solver/packages` test data rez installs with itself).

Usage: rez-solver-suite-oracle.py OUT

Writes OUT as JSON: {"repository": the folder, "cases": [{"request", "status": "solved" |
"failed" | "error", "packages": ["name-version[index]", ...], "ephemerals": [".name-range",
...]}]}, packages and ephemerals in the order rez gives them. The requests are those of rez's
`test_solver.py` (its default variant mode), each also in every other order of its items,
since rez's tests solve those too and the order of an answer follows the request's.
"""

import itertools
import json
import os
import sys

import rez
from rez.exceptions import PackageFamilyNotFoundError, PackageNotFoundError, ResolveError
from rez.solver import Solver, SolverStatus
from rez.version import Requirement

REQUESTS = [
    ["nada"], ["!nada"], ["~nada"], [".foo-1"], ["!.bah"], ["!.bah-2.5+"], ["python"],
    ["~python-2+"], ["~python"], ["!python-2.5"], ["!python"],
    ["nada", "~nada"], ["nopy"], ["python-2.6"], ["python-2.6", "!python-2.6.8"],
    ["python-2.6", "python-2.6.5+"], ["python", "python-0+<2.6"], ["python", "python-0+<2.6.8"],
    ["python", "~python-2.7+"], ["!python-2.6+", "python"],
    ["nada", "!nada"], ["python-2.6", "~python-2.7"], ["pyfoo", "nada", "!nada"],
    [".foo-1", ".foo-2"], [".foo-2.5", "!.foo-2"],
    ["pybah", "!python"], ["pyfoo-3.1", "python-2.7+"], ["pyodd<2", "python-2.7"],
    ["nopy", "python-2.5.2"], ["bahish", "pybah<5"], ["pybah-4", "pyfoo-3.0"],
    ["nada", "nopy"], ["pyfoo"], ["pyfoo-3.0"], ["pyfoo-3.0", ".eek-4.5"], ["pybah"],
    ["nopy", "python"], ["pybah", "!python-2.5"], ["pybah", "!python-2.5", "python<2.6.8"],
    ["python", "pybah"],
    ["python", "pyodd"], ["pybah", "pyodd"], ["pysplit", "python-2.5"], ["~python<2.6", "pysplit"],
    ["python", "bahish", "pybah"], [".foo-2.5+", ".foo-2"],
    ["pymum-1"], ["pydad-1"], ["pyson-1"], ["pymum-3"], ["pydad-3"], ["pymum-2"],
    ["pyvariants", "python"], ["pyvariants", "python", "nada"],
    ["test_variant_split_start"], ["missing_variant_requires"],
    ["test_weakly_reference_requires", "test_variant_split_mid2-2"],
    ["test_weakly_reference_variant-2.0", "test_variant_split_mid2-2", "pyfoo"],
]


def solve(request, repository):
    solver = Solver([Requirement(item) for item in request], [repository])
    try:
        solver.solve()
    except (PackageFamilyNotFoundError, PackageNotFoundError, ResolveError):
        return {"status": "error", "packages": [], "ephemerals": []}
    if solver.status != SolverStatus.solved:
        return {"status": "failed", "packages": [], "ephemerals": []}
    return {
        "status": "solved",
        "packages": [str(variant) for variant in solver.resolved_packages],
        "ephemerals": [str(ephemeral) for ephemeral in solver.resolved_ephemerals],
    }


def main():
    repository = os.path.join(os.path.dirname(rez.__file__), "data", "tests", "solver",
                              "packages")
    cases = []
    seen = set()
    for request in REQUESTS:
        for order in itertools.permutations(request):
            if order in seen:
                continue
            seen.add(order)
            case = solve(list(order), repository)
            case["request"] = list(order)
            cases.append(case)
    with open(sys.argv[1], "w") as out:
        json.dump({"repository": repository, "cases": cases}, out)


main()
