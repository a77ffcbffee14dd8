"""Runs Lifeblood's StandardEnvironmentResolver as a reference for flow-resolve's environments.

Usage: lifeblood-environment-oracle.py CATALOGUE < requests.json

CATALOGUE is a catalogue file, or a folder holding config.toml and config.d/*.toml (the
layout of Lifeblood's standard_environment_resolver folder). It is copied into a new
temporary configuration folder that Lifeblood is pointed at, so the user's own Lifeblood
configuration and home are never read or written.

stdin holds a JSON list of requests, each
  {"requirements": [["NAME", "SPEC"], ...], "base": {"VAR": "value", ...}}
with requirements in argument order. stdout gets a JSON list with, per request, either
  {"environment": {...}}   the full environment Lifeblood returns, or
  {"error": "..."}         the exception Lifeblood raised.
"""
import asyncio
import json
import os
import shutil
import sys
import tempfile


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: lifeblood-environment-oracle.py CATALOGUE < requests.json")
    catalogue = sys.argv[1]
    requests = json.load(sys.stdin)
    # Lifeblood logs to standard output: keep the real one for the answer only.
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    with tempfile.TemporaryDirectory(prefix="lifeblood-oracle-") as scratch:
        folder = os.path.join(scratch, "config", "standard_environment_resolver")
        if os.path.isdir(catalogue):
            shutil.copytree(catalogue, folder)
        else:
            os.makedirs(folder)
            shutil.copyfile(catalogue, os.path.join(folder, "config.toml"))
        if not os.path.exists(os.path.join(folder, "config.toml")):
            # Without a config Lifeblood would scan the machine and write one.
            sys.exit(f"{catalogue}: no config.toml")
        os.environ["LIFEBLOOD_CONFIG_LOCATION"] = os.path.join(scratch, "config")
        os.environ["LIFEBLOOD_LOG_LOCATION"] = os.path.join(scratch, "logs")
        from lifeblood.environment_resolver import StandardEnvironmentResolver

        results = []
        for request in requests:
            arguments = {"package." + name: spec for name, spec in request["requirements"]}
            try:
                resolver = StandardEnvironmentResolver(base_environment=request["base"])
                environment = asyncio.run(resolver.get_environment(arguments))
                results.append({"environment": dict(environment)})
            except Exception as error:  # the oracle's answer, whatever it is
                results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, answer)
    answer.write("\n")
    answer.close()


main()
