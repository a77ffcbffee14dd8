"""Lists the packages of rez's own test repositories as rez itself reads them: the
repositories of its package tests (`packages/py_packages`, `packages/yaml_packages`, with
package folders, unversioned packages and combined package files) and of its solver tests
(`solver/packages`), from the test data rez installs with itself.

Usage: rez-packages-oracle.py OUT

Writes OUT as JSON: [{"repository": folder, "packages": {name: [[version, variant count],
...]}}], each package's versions ascending in rez's order; the count is null where rez
cannot load the file.
"""

import json
import os
import sys

import rez
from rez.packages import iter_package_families, iter_packages

DATA = os.path.join(os.path.dirname(rez.__file__), "data", "tests")
REPOSITORIES = ["packages/py_packages", "packages/yaml_packages", "solver/packages"]


def variant_count(package):
    """How many variants rez reads; None where loading the file fails (one of rez's tests
    has a version whose file raises, to show rez lists it without loading it)."""
    try:
        return len(package.variants or [])
    except Exception:
        return None


def main():
    result = []
    for relative in REPOSITORIES:
        repository = os.path.join(DATA, relative)
        packages = {}
        for family in iter_package_families(paths=[repository]):
            versions = sorted(iter_packages(family.name, paths=[repository]),
                              key=lambda package: package.version)
            packages[family.name] = [[str(package.version), variant_count(package)]
                                     for package in versions]
        result.append({"repository": repository, "packages": packages})
    with open(sys.argv[1], "w") as out:
        json.dump(result, out)


main()
