"""Reads rez package files with rez and with flow-resolve, and compares what each makes of
them: whether the package is read, the answer to a request of it, and the environment its
commands make.

Each file (a `package.py` or `package.yaml` found under the folders given) is put alone in
a repository of its own, under its name and version as rez reads them, with a stub
package for each of its requirements (a version the requirement allows; weak, conflict
and ephemeral ones left out), and the package is requested by name from both: rez 3.4's
`ResolvedContext` (no implicit packages) with `get_environ()` and its aliases, and
`flow-resolve --syntax rez`, whose actions are applied as flow applies them, to the
environment rez's shell starts from (`PATH` its system paths), its aliases kept apart. Package files are executed by rez here: run it on
files you trust.

Usage: rez-package-files-oracle.py FLOW_RESOLVE [FOLDER...] [--rez-tests] [--out FILE]

`--rez-tests` adds the package files of rez's own tests (`rez/data/tests` in its wheel).
Prints a line per file (what rez and flow did, and what differs), then the totals; `--out`
keeps every row as JSON: {"file", "rez" ("solved", "failed", "not read: ..."),
"rez_error" (where rez's resolve or commands raised), "rez_answer", "flow" ("solved" or
"failed (STATUS)"), "flow_messages", "flow_answer", "differs" ({variable: {"rez", "flow"}},
an alias as "alias NAME" with its command, where both environments were made; where rez's
commands raised and flow's actions stop, the two messages as "stop")}. Needs python3 with
`rez` (bench/rez/run.sh makes one in bench/data/rez/venv).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types

from rez.exceptions import PackageCommandError
from rez.resolved_context import ResolvedContext
from rez.serialise import FileFormat, load_from_file
from rez.shells import create_shell
from rez.version import Requirement, Version

# Variables rez sets for the context itself, which flow's actions do not.
CONTEXT_VARIABLES = re.compile(r"REZ_(USED.*|RXT_FILE|CONTEXT_FILE|SHELL_INIT_TIMESTAMP|VERSION)$")


def stub_version(requirement):
    """A version the requirement's range allows, or None."""
    candidates = ["1.0"]
    for bound in requirement.range.bounds:
        lower, upper = str(bound.lower.version), str(bound.upper.version)
        if lower:
            candidates += [lower, lower + ".0", str(bound.lower.version.next())]
        if upper and upper != "inf":
            candidates.append(upper)
    for candidate in candidates + ["0", "99"]:
        try:
            if requirement.range.contains_version(Version(candidate)):
                return candidate
        except Exception:
            continue
    return None


def applied(actions, environment):
    """flow's actions applied as flow applies them, and the aliases they define: `$NAME` and `${NAME}` expanded against
    the environment being built (a name it does not hold to nothing, as a shell running
    rez's context does), prepends and appends joined with `:`; an action with a test of the environment (`when`,
    such as `not ('NAME' in os.environ)`) only where it holds of the environment the actions
    start from, and a test of a path (`os.path.isdir('/opt')`) of this machine's files. A
    stop whose test holds makes no environment: its message is returned as the variable
    "stop" alone."""
    start = types.SimpleNamespace(environ=dict(environment), path=os.path)
    for action in actions:
        if action["action"] == "stop" and (
                "when" not in action or eval(action["when"], {"__builtins__": {}}, {"os": start})):
            return {"stop": action["value"]}, {}
    aliases = {}
    def expand(value):
        return re.sub(r"\$\{(\w+)\}|\$(\w+)",
                      lambda m: environment.get(m.group(1) or m.group(2), ""), value)
    for action in actions:
        if "when" in action and not eval(action["when"], {"__builtins__": {}}, {"os": start}):
            continue
        kind = action["action"]
        if kind == "alias":
            # A function's command, left to the shell: compared with rez's aliases.
            aliases[action["variable"]] = action["value"]
            continue
        name, value = action["variable"], expand(action.get("value", ""))
        if kind == "set":
            environment[name] = value
        elif kind == "unset":
            environment.pop(name, None)
        elif environment.get(name):
            joined = [environment[name], value] if kind == "append" else [value, environment[name]]
            environment[name] = expand(":".join(joined))
        else:
            environment[name] = value
    return environment, aliases


def repository_of(path, data, folder):
    """A repository holding the file as rez names it and a stub for each requirement."""
    name, version = data["name"], data.get("version")
    version = "" if version is None else str(version)
    home = os.path.join(folder, name, version) if version else os.path.join(folder, name)
    os.makedirs(home)
    shutil.copy(path, home)
    requirements = list(data.get("requires") or []) if isinstance(data.get("requires"), list) else []
    for variant in data.get("variants") or [] if isinstance(data.get("variants"), list) else []:
        requirements += list(variant) if isinstance(variant, list) else []
    for text in requirements:
        try:
            requirement = Requirement(str(text))
        except Exception:
            continue
        if requirement.weak or requirement.conflict or requirement.name.startswith(".") \
                or requirement.name == name:
            continue
        stub = stub_version(requirement)
        stub_home = os.path.join(folder, requirement.name, stub or "")
        if stub is None or os.path.exists(stub_home):
            continue
        os.makedirs(stub_home)
        with open(os.path.join(stub_home, "package.py"), "w") as out:
            out.write(f"name = {requirement.name!r}\nversion = {stub!r}\n")
    return name


def compare(flow, path, scratch):
    row = {"file": path}
    try:
        data = load_from_file(path, FileFormat.py if path.endswith(".py") else FileFormat.yaml,
                              disable_memcache=True)
        if not isinstance(data.get("name"), str):
            raise ValueError("no name")
    except Exception as error:
        row["rez"] = f"not read: {type(error).__name__}: {str(error)[:120]}"
        return row
    repository = tempfile.mkdtemp(dir=scratch)
    name = repository_of(path, data, repository)
    base = dict(os.environ)
    base["PATH"] = os.pathsep.join(create_shell().get_syspaths())
    stopped = None
    try:
        context = ResolvedContext([name], package_paths=[repository], add_implicit_packages=False)
        row["rez"] = context.status.name
        if context.status.name == "solved":
            row["rez_answer"] = [[p.name, str(p.version), p.index] for p in context.resolved_packages]
            try:
                environ = context.get_environ()
            except PackageCommandError as error:
                # The message rez's commands raised (a `stop()`'s, or Python's error).
                stopped = str(error).rsplit("\n", 1)[-1]
                raise
            row["rez_environment"] = {k: v for k, v in environ.items()
                                      if base.get(k) != v and not CONTEXT_VARIABLES.match(k)}
            for action in context.get_actions():
                if type(action).__name__ == "Alias":
                    row["rez_environment"]["alias " + action.args[0]] = action.args[1]
    except Exception as error:
        row.setdefault("rez", "failed")
        row["rez_error"] = f"{type(error).__name__}: {str(error)[:120]}"
    run = subprocess.run(
        [flow, "--catalog", repository, "--syntax", "rez", "--no-implicits", "--", name],
        capture_output=True, text=True,
        env=dict(os.environ, XDG_CACHE_HOME=os.path.join(scratch, "cache")))
    row["flow"] = "solved" if run.returncode == 0 else f"failed ({run.returncode})"
    row["flow_messages"] = run.stderr.strip().splitlines()
    if run.returncode == 0:
        document = json.loads(run.stdout)
        row["flow_answer"] = [[p["name"], p["version"], p.get("variant")]
                              for p in document["packages"]]
        environment, aliases = applied(document.get("actions", []), dict(base))
        row["flow_environment"] = {k: v for k, v in environment.items() if base.get(k) != v}
        row["flow_environment"].update(("alias " + k, v) for k, v in aliases.items())
        # Both stopped: their messages are compared.
        if stopped is not None and "stop" in environment:
            row["rez_environment"] = {"stop": stopped}
    if "rez_environment" in row and "flow_environment" in row:
        rez_env, flow_env = row["rez_environment"], row["flow_environment"]
        row["differs"] = {k: {"rez": rez_env.get(k), "flow": flow_env.get(k)}
                          for k in sorted(set(rez_env) | set(flow_env))
                          if rez_env.get(k) != flow_env.get(k)}
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("flow", help="the flow-resolve binary")
    parser.add_argument("folders", nargs="*")
    parser.add_argument("--rez-tests", action="store_true",
                        help="add the package files of rez's own tests")
    parser.add_argument("--out", help="write every row here as JSON")
    args = parser.parse_args()
    if args.rez_tests:
        import rez
        args.folders.append(os.path.join(os.path.dirname(rez.__file__), "data", "tests"))
    files = sorted(os.path.join(root, file) for folder in args.folders
                   for root, _, names in os.walk(folder) for file in names
                   if file in ("package.py", "package.yaml"))
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for path in files:
            row = compare(args.flow, path, scratch)
            rows.append(row)
            notes = [f"rez {row['rez']}", f"flow {row.get('flow', '-')}"]
            if row.get("rez_error"):
                notes.append("rez's error: " + row["rez_error"].replace("\n", " "))
            if row.get("rez_answer") and row.get("flow_answer") \
                    and row["rez_answer"] != row["flow_answer"]:
                notes.append("ANSWER DIFFERS")
            if row.get("differs"):
                notes.append("ENVIRONMENT DIFFERS: " + ", ".join(row["differs"]))
            if row.get("flow_messages"):
                notes.append(f"{len(row['flow_messages'])} message(s): "
                             + row["flow_messages"][0][-160:])
            print(f"{path}: " + "; ".join(notes), flush=True)
    if args.out:
        with open(args.out, "w") as out:
            json.dump(rows, out, indent=1)
    solved = [r for r in rows if r["rez"] == "solved"]
    flow_solved = [r for r in solved if r.get("flow") == "solved"]
    same = [r for r in flow_solved if r["rez_answer"] == r["flow_answer"]]
    compared = [r for r in flow_solved if "differs" in r]
    unmade = [r for r in solved if "rez_environment" not in r]
    equal = [r for r in compared if not r["differs"]]
    warned = [r for r in flow_solved if r["flow_messages"]]
    print(f"\n{len(rows)} files; rez read {sum(not r['rez'].startswith('not read') for r in rows)}"
          f" and solved {len(solved)}; flow solved {len(flow_solved)} of those, "
          f"{len(same)} with rez's answer; environments compared {len(compared)} "
          f"(rez's commands failed on {len(unmade)}), equal {len(equal)}; "
          f"flow warned on {len(warned)}")


if __name__ == "__main__":
    sys.exit(main())
