"""Writes a rez repository whose packages change the environment (variants, hashed variants
with and without rez's links to them, an unversioned package, `{root}`, `{base}`,
`{version}`, `{env.NAME}`, bare bindings such as `this.version` and `resolve.python.base`,
`pre_commands` and `post_commands`, `if` blocks on `building` and the platform, expressions (names assigned for later
lines, `+`, f-strings, `%`, `.format`, `os.path.join`, `getenv`, `env['NAME']`, `$NAME`,
keys rez does not bind), `unsetenv` and `.unset()`, `if` on the resolve (`'lib' in resolve`, `intersects(resolve.python,
'3')`, `ephemerals.get`, `get_range`, `in ephemerals`, `in request`, `intersects(request.python, '3')`), combined package files at the repository's top with
`versions` and `version_overrides`, in Python and YAML, one shadowed by a package folder of
its name), fields written as functions (`@early()`, `@late()`, and a plain function rez
leaves out; reading the environment, `ast.literal_eval`, list comprehensions, a late
`requires` of the request), a package file's top level and commands as Python reads and runs them
(expressions, `if` on the platform, logical lines, docstrings, string methods, the commands'
own names in rez's formatting), a variable of the environment replaced by a package's first
change of it, `in env.keys()`,
`PATH`, rez's separator for `CMAKE_MODULE_PATH`, and `alias()`), resolves requests against it with rez
itself and records the environment rez's context makes.

Usage: rez-environment-oracle.py FOLDER

Writes FOLDER/repository and FOLDER/cases.json: [{"request", "variables": {name: value},
"base": {name: value}, "removed": [name], "aliases": {name: command}}], base being variables of the environment rez
applies them to (removed: those of them rez's environment no longer holds),
the variables being those the packages set or change (their own, and the REZ_NAME_... ones
rez sets for each package and ephemeral), each as rez's context leaves it; `PATH` ends with
the base's own where rez's ends with the system's paths.
"""

import hashlib
import json
import os
import sys

from rez.exceptions import PackageCommandError
from rez.resolved_context import ResolvedContext
from rez.shells import create_shell

PACKAGES = {
    ("python", "2.7.18"): "",
    ("python", "3.9.1"): "",
    ("lib", "1.0"): """
requires = ['python']
def pre_commands():
    env.PHASES = 'lib-pre'
def commands():
    env.LIB_PATHS.prepend('{root}/lib')
    env.LIB_VERSION = '{version}'
    env.PHASES.append('lib')
post_commands = "env.TOOL_PATHS.append('{root}/after')"
""",
    ("tool", "2.1.0"): """
variants = [['python-2.7'], ['python>=3.7,<4', 'lib']]
def pre_commands():
    env.PHASES.append('tool-pre')
def commands():
    env.TOOL_PATHS.prepend('{root}/bin')
    env.TOOL_PATHS.append('{base}/share')
    setenv('TOOL_PYTHON', '{env.REZ_PYTHON_ROOT}/python')
    env.PHASES.append('tool')
    env.TOOL_VERSION = this.version
    env.TOOL_MINOR = this.version.minor
    env.TOOL_MAJOR = '{version.major}'
    env.TOOL_PY_BASE = resolve.python.base
    setenv('TOOL_PY_VERSION', '{resolve.python.version}')
def post_commands():
    env.PHASES.append('tool-post {root}')
""",
    ("pip_thing", "0.5"): """
hashed_variants = True
variants = [['python-2.7'], ['python-3.9']]
def commands():
    env.PIP_THING_ROOT_SEEN = '{root}'
""",
    ("linked", "3"): """
hashed_variants = True
variants = [['python-3'], ['python-2']]
def commands():
    env.LINKED_ROOT_SEEN = '{this.root}'
""",
    ("cond", "1.0"): """
def commands():
    import platform
    if building:
        env.COND_BUILD = 'yes'
        if system.platform == 'linux':
            env.COND_BUILD_LINUX = 'yes'
    elif system.platform == 'linux' and not building:
        env.COND_PLATFORM = 'linux'
    else:
        env.COND_PLATFORM = 'other'
    if platform.system() == "Darwin":
        env.COND_OS = 'mac'
    elif (platform.system() != 'Windows') or building:
        env.COND_OS = 'unix'
        if not (building or system.platform != 'linux'):
            env.COND_NESTED = '{root}'
    else:
        env.COND_OS = 'windows'
    env.COND_AFTER = 'after'
""",
    ("expr", "1.0"): """
def commands():
    global env
    import os
    env.EXPR_A = "${EXPR_HOME}/a:$EXPR_HOME2/{root}"
    env.EXPR_B = "{nope}/{root}"
    env["EXPR_C"] = "c"
    env["EXPR_C"].append("{root}/c2")
    path = "/opt/" + "{root}"
    env.EXPR_D = path
    major = env.REZ_EXPR_MAJOR_VERSION
    env.EXPR_E = f"/maya{major}/bin{{x}}"
    env.EXPR_F = os.path.join("{root}", "bin", "/abs", 'x')
    env.EXPR_G = "%s/lib-%%" % this.root
    env.EXPR_H = "{0}/{x}/{1}".format(version, "p", x=this.version.minor)
    env.EXPR_I = getenv("REZ_EXPR_VERSION") + '/i'
    env.EXPR_J = this.root + "/j"
    env.EXPR_K = str(this.version) + '{{root}}'
    env.EXPR_L = "{version.patch}-{this.name}-{name}"
    env.EXPR_M = literal("{root}")
    setenv("EXPR_N", "%s-%s" % (version, "{base}"))
    if path == "/opt/" + "{root}" and str(this.version) != "":
        env.EXPR_O = 'same'
""",
    ("plug", "1.0"): """
requires = ['python']
def commands():
    env.PLUG_PATH = 'start'
    if 'lib' in resolve:
        env.PLUG_LIB = 'with lib {root}'
        env.PLUG_PATH.append('a')
        where = 'lib'
    elif intersects(resolve.python, '3'):
        env.PLUG_LIB = 'python 3'
    else:
        env.PLUG_LIB = 'neither'
    env.PLUG_PATH.append('b')
    if 'lib' not in resolve and not intersects(ephemerals.get('render', '1'), '2+'):
        env.PLUG_PATH.prepend('c')
        if intersects(resolve.python.version, '2'):
            env.PLUG_PATH.append('py2')
    if intersects(ephemerals.get_range('render', '0'), '1'):
        env.PLUG_RENDER = 'one'
    if 'render' in ephemerals or building:
        env.PLUG_EPH = 'yes'
    if 'python' in request and intersects(request.python, '3'):
        env.PLUG_REQ = 'py3 asked'
    elif 'python' in request:
        env.PLUG_REQ = 'py asked'
""",
    ("pathy", "1.0"): """
def commands():
    env.PATH.append('{root}/bin')
    env.PATH.prepend('{root}/first')
    env.INHERITED_LIST.append('{root}/x')
    env.CMAKE_MODULE_PATH.append('{root}/cmake')
    env.CMAKE_MODULE_PATH.prepend('{root}/cmake0')
    env.EXPR_GONE.append('{root}/again')
    unsetenv('EXPR_GONE')
    env.EXPR_GONE.prepend('{root}/fresh')
    env.REZ_PATHY_BASE.append('{root}/more')
""",
    ("pathy2", "1.0"): """
requires = ['pathy']
def commands():
    env.PATH.append('{root}/bin2')
    env.INHERITED_LIST.prepend('{root}/y')
    env.CMAKE_MODULE_PATH.append('{root}/cmake2')
""",
    ("studio", "2.5.1"): """
import platform
_lib = 'lib-{}'.format('1.0')
requires = [_lib]
variants = []
if platform.system() == 'Darwin':
    variants.append(['python-3'])
elif platform.system() == 'Linux':  # here
    variants.append(['python-2'])
def commands():
    \"\"\"Set up the studio's tools.

    env.STUDIO_NOT = 'in a docstring'
    \"\"\"
    env = globals()['env']
    import os, sys
    major, rest = str(this.version).split('.', 1)
    env.STUDIO_A = major + '-' + rest.replace('.', '_')
    where = os.path.normpath('{root}//share/./x/..')
    env.STUDIO_B = '{where}/data'
    env.STUDIO_PATHS.append(
        '{root}/one',  # first
    )
    if sys.platform.startswith('linux') and os.name == 'posix':  # here
        env.STUDIO_PATHS.append('{root}/linux')
    else:  # elsewhere
        env.STUDIO_PATHS.append('{root}/other')
    env.STUDIO_C = 5
    env.STUDIO_D = '{}/v'.format(env.STUDIO_A.value())
    version = '.'.join(str(resolve.studio.version).split('.')[:2])
    env.STUDIO_E = '{version}-' \\
        + str(resolve.studio.version.minor)
""",
    ("looper", "3.1"): """
tools = ['lint', 'fmt']
_environ = {
    'LOOP_PATH': ['{root}/bin', '{root}/scripts'],
    'LOOP_HOME': '{root}',
}
_extra = ('a', 'b', 'c')
_tool_environ = {
    'any': {'LOOP_FOR': '{root}/any'},
    'lib': {'LOOP_FOR': '{root}/lib', 'LOOP_LIB': 'yes'},
    'python': {'LOOP_FOR': '{root}/python'},
}
def commands():
    this = globals()['this']
    expandvars = globals()['expandvars']
    for key, value in this._environ.items():
        if isinstance(value, (tuple, list)):
            [env[key].append(expandvars(v)) for v in value]
        else:
            env[key] = expandvars(value)
    for tool in sorted(this.tools):
        env.LOOP_TOOLS.append(tool)
    else:
        env.LOOP_TOOLS.append('done')
    for index, (name) in enumerate(this._extra):
        if name in ('a', 'c'):
            env['LOOP_' + name.upper()] = str(index)
    [env.LOOP_PICKED.prepend(x) for x in this._extra if x != 'b']
    parts = []
    for letter in 'xy':
        for other in ['1', '2']:
            parts.append(letter + other)
    env.LOOP_PARTS = ':'.join(parts)
    env.LOOP_GET = this._environ.get('MISSING', 'fallback') + '/' + this._environ['LOOP_HOME']
    env.LOOP_LEN = str(len(this.tools))
    result = list(this._tool_environ['any'].items())
    for key, values in this._tool_environ.items():
        if key not in request:
            continue
        result += list(values.items())
    for key, value in result:
        env[key].append(value)
    for name in ['lib', 'python', 'tool']:
        if name in resolve:
            break
        env.LOOP_FIRST_MISSING = name
""",
    ("early", "1.2"): """
_base = ['python']
@early()
def requires():
    import platform
    result = list(_base)
    if platform.system() == 'Linux':
        result.append('lib')
    else:
        result.append('tool')
    return result

@early()
def variants():
    from rez.system import system
    pythons = []
    for major in ('3', '2'):
        pythons.append(['python-' + major])
    if system.platform != 'linux':
        raise ValueError('not here')
    return pythons

def commands():
    env.EARLY_ROOT = '{root}'
""",
    ("late", "0.5"): """
@late()
def requires():
    global in_context
    if in_context():
        return ['lib']
    return ['tool']

def variants():
    return [['python-2']]

def commands():
    env.LATE_ROOT = '{root}'
""",
    ("cook", "2.0"): """
import os
_flavour = os.getenv('FLOW_ORACLE_FLAVOUR', 'plain')

@early()
def variants():
    import os, ast
    cook_variant = os.getenv('FLOW_ORACLE_COOK_VARIANT')
    if cook_variant:
        return [ast.literal_eval(cook_variant)]
    req = ['lib']
    return [x + req for x in [['python-3'], ['python-2']]]

@early()
def requires():
    import os
    if os.environ.get('FLOW_ORACLE_UNSET') is None and 'PATH' in os.environ:
        return [r for r in ['tool', 'nothing-here'] if not r.startswith('nothing')]
    return []

def commands():
    env.COOK_FLAVOUR = this._flavour
    env.COOK_PATHS = ':'.join(['{root}/' + p for p in ['bin', 'lib', 'skip'] if p != 'skip'])
""",
    ("pick", "1.0"): """
_requires = {'any': ['python'], 'tool': ['lib'], 'nuke': ['nothing']}

@late()
def requires():
    global this, request, in_context
    result = this._requires['any'][:]
    if in_context():
        for name, reqs in this._requires.items():
            if name not in request:
                continue
            result += reqs
    return result

def commands():
    env.PICK_ROOT = '{root}'
""",
    ("helpers", "1.0"): """
def commands():
    env = locals()['env']
    paths = []

    def add(variable, value, prepend=False, *more):
        if prepend:
            env[variable].prepend(value)
        else:
            env[variable].append(value)
        for item in more:
            env[variable].append(item)
        paths.append(value)

    def tool_root(kind):
        return '{root}/tools/' + kind

    def only_alone():
        if 'lib' in resolve:
            env.HELPERS_WITH = 'lib'
            return
        env.HELPERS_ALONE = 'yes'

    add('HELPERS_PATH', '{root}/bin')
    add('HELPERS_PATH', '{root}/first', prepend=True)
    add(value='{root}/more', variable='HELPERS_MORE')
    add('HELPERS_MORE', 'a', False, 'b', 'c')
    env.HELPERS_TOOL = tool_root('render')
    only_alone()
    env.HELPERS_SEEN = ':'.join(paths)
""",
    ("unsetter", "1.0"): """
def commands():
    env.UNSET_A = 'a'
    unsetenv('UNSET_A')
    env.UNSET_B = 'b'
    env.UNSET_B.unset()
    env.UNSET_B.append('b2')
    env.UNSET_B.prepend('b1')
    unsetenv('EXPR_GONE')
    env.EXPR_GONE2.unset()
""",
}
UNVERSIONED = """
name = 'site'
def commands():
    appendenv('SITE_PATHS', '{root}/site')
"""
# Combined package files: every version in one file, at the repository's top.
COMBINED = {
    "bundle.py": """
name = 'bundle'
versions = ['1.0', '1.5', '2.0']
requires = ['python-3']
def commands():
    env.BUNDLE_SEEN = '{root}'
    env.BUNDLE_VERSION = '{version}'
with scope('version_overrides'):
    with scope('1.5+'):
        requires = ['python-2']
    with scope('2+'):
        commands = "env.BUNDLE_NEW = 'yes {base}'"
""",
    "kit.yaml": """
name: kit
versions: ['1', '2']
requires: [lib]
commands: "env.KIT_SEEN = '{version} {root}'"
version_overrides:
  '2':
    requires: [python-2]
""",
    # Shadowed by the folder `python`, as rez reads a package's folder first.
    "python.py": "name = 'python'\nversions = ['9.9']\n",
}
# Tests of the environment: defined(), undefined() and os.environ, before and after the
# package's own changes and another package's.
PACKAGES[("guarded", "1.0")] = """
def commands():
    import os
    if not defined("GUARD_A"):
        env.GUARD_A = "{root}/a"
    if defined("GUARD_A"):
        env.GUARD_A.append("{root}/more")
    for key, value in [("EXPR_HOME", "unused"), ("GUARD_B", "b")]:
        if undefined(key):
            env[key] = value
    if "EXPR_HOME2" in os.environ and not defined("GUARD_NONE"):
        env.GUARD_C = "home2"
    else:
        env.GUARD_C = "none"
    if defined("INHERITED_LIST"):
        env.INHERITED_LIST.append("{root}/lib")
    env.GUARD_D = "d"
    unsetenv("GUARD_D")
    if defined("GUARD_D") or "GUARD_NONE" in os.environ:
        env.GUARD_E = "yes"
    else:
        env.GUARD_E = "no"
    # Python's os.getenv with the empty string for an unset variable, as a value.
    env.GUARD_H = os.getenv("EXPR_HOME2", "") + "/h"
    env.GUARD_I = os.environ.get("GUARD_NONE", "") + "/i"
"""
PACKAGES[("guarded_user", "1.0")] = """
requires = ["guarded"]
def commands():
    env.GUARD_B.append("user")
    if defined("GUARD_A") and defined("EXPR_GONE"):
        env.GUARD_F = "a"
    if undefined("GUARD_C"):
        env.GUARD_G = "never"
"""
# Python's match on literal patterns, a chain of == tests.
PACKAGES[("matcher", "1.0")] = """
def commands():
    match system.platform:
        case "windows":
            env.MATCH_A = "win"
        case "linux" | "osx":
            env.MATCH_A = "unix"
        case _:
            env.MATCH_A = "other"
    match this.version.major:
        case 1:
            env.MATCH_B = "one"
    match str(this.version):
        case "2.0":
            env.MATCH_C = "two"
        case _:
            pass
    match "{root}":
        case "":
            env.MATCH_D = "empty"
"""
# Aliases: formatted, made in a loop, under a test of the resolve and of the environment,
# a name given again (the last command counts); a print, which changes nothing.
PACKAGES[("launcher", "2.1")] = """
def commands():
    print("launcher", this.version)
    alias("launch", "{root}/bin/launch --version {version}")
    alias("launchx", "launch -x")
    for tool in ["render", "batch"]:
        alias("launch_" + tool, "{root}/bin/" + tool)
    if "lib" in resolve:
        alias("launchx", "launch --with-lib")
    if defined("EXPR_HOME"):
        alias("home_launch", "cd $EXPR_HOME && launch")
    alias("quoted", "echo it\\'s")
"""
# Tests of the machine's files: os.path.exists, isdir and isfile of paths that are there or
# not, a string rez does not format, and an alias under one.
PACKAGES[("pathy_tests", "1.0")] = """
def commands():
    import os
    if os.path.exists("/"):
        env.PATHS_A = "root"
    if os.path.isdir("/nonexistent-flow-test"):
        env.PATHS_B = "odd"
    elif os.path.isfile(os.path.join(str(root), "package.py")):
        env.PATHS_B = "file"
    else:
        env.PATHS_B = "none"
    if not os.path.isdir("{root}"):
        env.PATHS_C = "literal braces"
    if os.path.isfile("/") or defined("EXPR_HOME"):
        alias("paths_alias", "echo there")
"""
# Variables the commands set read back as their values (a path test of one, Python's string
# methods on one and on the variables rez sets for the package), and stops: under a path test
# that does not hold, under a test of the resolve, under a test of the environment.
PACKAGES[("stopper", "1.2-m3")] = """
def commands():
    import os
    env.STOP_HOME = "/"
    if not os.path.isdir(str(env.STOP_HOME)):
        stop("%s is no folder", str(env.STOP_HOME))
    env.STOP_A = str(env.STOP_HOME) + "a:" + str(env.REZ_STOPPER_VERSION).rsplit("-m", 1)[0]
    env.STOP_B = "{env.STOP_A}/b"
    if "lib" in resolve:
        stop("stopper %s does not go with lib", this.version)
    if undefined("EXPR_GONE") and not os.path.exists(str(env.STOP_HOME) + "nonexistent-flow-test"):
        stop("EXPR_GONE is not set: %s%%", "stopped")
    env.STOP_C = "after"
"""
# A variable's value read where nothing set it: rez raises "Referenced undefined environment
# variable", so flow stops there. Read where the environment holds it, after a package before
# set it, or under a test that keeps the read from running, it is no stop.
PACKAGES[("reader", "1.0")] = """
def commands():
    env.READER_A = str(env.EXPR_HOME) + "/a"
    env.READER_B = "{env.EXPR_HOME2}/b"
    if "lib" in resolve:
        env.READER_C = env.LIB_VERSION.value() + "/c"
    if "tool" in resolve:
        env.READER_D = getenv("READER_NONE")
    if defined("READER_NONE"):
        env.READER_E = str(env.READER_NONE)
    env.READER_F = "f"
    if env.READER_NONE:
        env.READER_F = "truth alone reads nothing"
"""
# An `elif`'s test is evaluated where the tests before it fail: its read stops there alone.
PACKAGES[("elifreader", "1.0")] = """
def commands():
    if "lib" in resolve:
        env.ELIF_A = "lib"
    elif getenv("READER_ELSE") == "x":
        env.ELIF_A = "else"
    env.ELIF_B = "b"
"""
# Only the reads Python makes stop: not the right side of `and`/`or` its left side
# decides, nor the side of `A if TEST else B` its test does not give; `for` in a string is
# no comprehension.
PACKAGES[("partreader", "1.0")] = """
def commands():
    env.PART_A = "a" or str(env.PART_NONE)
    env.PART_B = str(env.PART_NONE) if building else "b"
    env.PART_C = str(building and str(env.PART_NONE))
    env.PART_D = "{env.EXPR_HOME}/for/d or e"
    if "lib" in resolve:
        env.PART_E = "{env.PART_NONE}/for/e"
    if "tool" in resolve:
        env.PART_F = "" or str(env.PART_NONE)
"""
# What a `for` goes over is evaluated wherever the loop is reached.
PACKAGES[("loopreader", "1.0")] = """
def commands():
    env.LOOPR_A = "a"
    if "lib" in resolve:
        for part in str(env.LOOPR_NONE).split(":"):
            env.LOOPR_B = part
"""
# rez's commands run without the package file's names: a name no line bound (one bound
# only on another platform, a module not imported) is Python's NameError.
PACKAGES[("namereader", "1.0")] = """
def commands():
    import os
    if system.platform == "windows":
        bindir = "C:/x"
    env.NAMER_A = os.path.join("/opt", "a")
    if "tool" in resolve:
        env.NAMER_C = sys.platform
    if "lib" in resolve:
        env.NAMER_B = os.path.join(bindir, "b")
"""
# rez's `env.keys()` (and `in env`), as Houdini's packages test it: the variables of the
# environment and those commands before named through `env` (not those `setenv` or rez set).
PACKAGES[("houdini", "19.5")] = """
def commands():
    env.HFS = "{root}"
    if "HOUDINI_PATH" not in env.keys():
        env.HOUDINI_PATH = "&"
    env.HOUDINI_PATH.prepend("{root}/houdini")
    if "INHERITED_LIST" in env.keys():
        env.KEYS_A = "inherited"
    if "HFS" in env and "REZ_HOUDINI_ROOT" not in env.keys():
        env.KEYS_B = "hfs"
    setenv("KEYS_SET", "x")
    if "KEYS_SET" not in env.keys():
        env.KEYS_C = "setenv names none"
"""
PACKAGES[("houdini_plugin", "1.0")] = """
requires = ["houdini"]
def commands():
    if "HOUDINI_PATH" not in env.keys():
        env.HOUDINI_PATH = "&"
    env.HOUDINI_PATH.prepend("{root}/plugin")
    if "KEYS_SET" in env.keys() or "HFS" not in env:
        env.KEYS_D = "never"
"""
# Names the variable through `env` where the environment holds it, before `houdini`.
PACKAGES[("houdini_site", "1.0")] = """
def commands():
    if defined("HOUDINI_PATH"):
        env.HOUDINI_PATH.append("{root}/site")
"""
# The word `env` in a string other than as a field rez formats, or in a comment, names no
# variable: the packages after it still know what `env.keys()` holds.
PACKAGES[("houdini_tools", "1.0")] = """
def commands():
    alias("hbatch", "env HOUDINI_MODE=batch {root}/bin/hbatch")  # env[name], a comment
    env.KEYS_TOOLS = "{env.EXPR_HOME}/tools {{env.KEYS_NOT_NAMED}} 'env'"
"""
PACKAGES[("houdini_hda", "1.0")] = """
requires = ["houdini_tools"]
def commands():
    if "HOUDINI_PATH" not in env.keys():
        env.HOUDINI_PATH = "&"
    if "EXPR_HOME" in env.keys() and "KEYS_TOOLS" in env:
        env.KEYS_E = "named"
    if "KEYS_NOT_NAMED" in env.keys():
        env.KEYS_F = "never"
    if "HOUDINI_PATH" in env.keys():
        env.KEYS_G = "named here where it was not before"
"""
# Python's `os.getenv()` and `os.environ.get()`: their truth, and whether they are None, as
# tests of the environment the context is built in.
PACKAGES[("getenv_reader", "1.0")] = """
def commands():
    import os
    if os.getenv("EXPR_HOME"):
        env.GETENV_A = "home"
    if os.environ.get("GETENV_EMPTY"):
        env.GETENV_B = "never: empty"
    if not os.getenv("GETENV_UNSET"):
        env.GETENV_C = "unset"
    if os.getenv("GETENV_UNSET") is None:
        env.GETENV_D = "none"
    if os.environ.get("GETENV_EMPTY") is not None:
        env.GETENV_E = "set though empty"
    if os.getenv("GETENV_UNSET", "fallback"):
        env.GETENV_F = "default"
    if not os.environ.get("GETENV_EMPTY", "x"):
        env.GETENV_G = "empty, not the default"
    flag = os.getenv("GETENV_UNSET")
    if flag or "EXPR_HOME" not in os.environ:
        env.GETENV_H = "local"
    elif os.getenv("GETENV_UNSET") or os.getenv("GETENV_EMPTY", "x"):
        env.GETENV_I = "elif"
"""
# `os.getenv()` and `os.environ.get()` with a default, and `or` a default, as values: set
# where the variable is, with its value, and elsewhere with the default; a local bound to
# one, and two on one line.
PACKAGES[("getenv_default", "1.0")] = """
def commands():
    import os
    env.DEFAULT_A = os.environ.get("DEFAULT_SITE", "nowhere")
    env.DEFAULT_B = os.path.join(os.getenv("DEFAULT_ROOT", "/studio"), "tools")
    root = os.environ.get("DEFAULT_ROOT") or "/fallback"
    env.DEFAULT_C = root + "/c"
    setenv("DEFAULT_D", os.getenv("DEFAULT_SITE", "s") + "-" + os.getenv("DEFAULT_ROOT", "r"))
    env.PATH.append(os.getenv("DEFAULT_ROOT", "/opt") + "/bin")
    if "DEFAULT_ROOT" in os.environ:
        env.DEFAULT_E = "{root}:" + os.environ.get("DEFAULT_SITE", "e")
    env.DEFAULT_F = os.getenv("DEFAULT_EMPTY") or "empty or unset"
    env.DEFAULT_G = os.getenv("DEFAULT_EMPTY") or os.environ.get("DEFAULT_SITE", "g")
    env.DEFAULT_H = os.getenv("DEFAULT_EMPTY") or os.getenv("DEFAULT_SITE") or "h"
"""
# A variable of the environment compared with a text (`==`, `!=`, either side, with or
# without a default, `os.environ['NAME']`, `in` a list of texts), alone and joined with
# other tests, and as the test of `A if TEST else B`.
PACKAGES[("getenv_compare", "1.0")] = """
def commands():
    import os
    if os.environ.get("COMPARE_SITE", "") == "london":
        env.COMPARE_A = "london"
    elif os.getenv("COMPARE_SITE", "paris") != "paris":
        env.COMPARE_A = "elsewhere"
    else:
        env.COMPARE_A = "paris or unset"
    if "it's" == os.getenv("COMPARE_MODE") and "COMPARE_SITE" in os.environ:
        env.COMPARE_B = "quoted"
    if os.getenv("COMPARE_MODE") != "-n" or not os.environ.get("COMPARE_SITE"):
        env.COMPARE_C = "not -n"
    if "COMPARE_SITE" in os.environ and os.environ["COMPARE_SITE"] == "":
        env.COMPARE_D = "empty"
    env.COMPARE_E = "switch" if os.getenv("COMPARE_MODE") == "-n" else "no switch"
    env.COMPARE_F = os.getenv("COMPARE_SITE", "x") if "COMPARE_MODE" in os.environ else "-"
    if os.environ.get("COMPARE_SITE", "rome") in ("rome", "london"):
        env.COMPARE_G = "rome, london or unset"
"""
# A version a name holds, and its tokens: another package's in the resolve, and its own.
PACKAGES[("version_locals", "1.4")] = """
requires = ["python"]
def commands():
    v = resolve.python.version
    env.VLOC_A = "{root}/lib/python%s.%s" % (v.major, v.minor)
    mine = this.version
    env.VLOC_B = "{}-{}-{}".format(mine.major, mine.minor, mine.patch)
"""
# `A if TEST else B` where TEST is a condition on the resolve.
PACKAGES[("ternary", "1.0")] = """
requires = ["python"]
def commands():
    env.TERN_A = "{root}/lib" if "lib" in resolve else "{root}/nolib"
    env.TERN_B = "py3" if intersects(resolve.python, "3") else "py2"
"""
# A read on the side its test gives: rez's error where that side is read and the variable
# is not defined.
PACKAGES[("ternary_reader", "1.0")] = """
def commands():
    env.TERN_C = "{root}" if "lib" in resolve else str(env.TERN_UNSET) + "/c"
"""
# rez's `{root}` mistaken for a field of Python's `str.format`: Python's KeyError, which
# stops rez's context where the line runs.
PACKAGES[("format_key", "1.0")] = """
def commands():
    env.FMT_A = "{}-{k}".format("a", k="b")
    if "lib" in resolve:
        env.FMT_B = "{root}/lib/{}".format("x")
"""
# `os.environ['NAME']`: the variable's value, and Python's KeyError where it is not set,
# which stops rez's context.
PACKAGES[("environ_reader", "1.0")] = """
def commands():
    import os
    env.ENVIRON_A = os.environ["EXPR_HOME"] + "/a"
    if "ENVIRON_UNSET" in os.environ:
        env.ENVIRON_B = os.environ["ENVIRON_UNSET"] + "/b"
    env.ENVIRON_C = os.environ['ENVIRON_UNSET']
"""
# rez's messages and `shebang()` change nothing; `resetenv()` sets as `setenv()` does.
PACKAGES[("messenger", "1.0")] = """
def commands():
    info("reading {root}")
    error("a message, not a stop")
    comment("a comment")
    shebang()
    resetenv("RESET_A", "{root}/reset")
    resetenv("RESET_B", "b", True)
    env.RESET_B.append("more")
"""
# `try` whose body cannot raise: its handlers never run, its `else` and `finally` do.
PACKAGES[("trier", "1.0")] = """
def commands():
    import os
    try:
        env.TRY_A = "{root}/a"
    except Exception:
        env.TRY_A = "handler"
    else:
        env.TRY_B = "else"
    finally:
        env.TRY_C = "finally"
    try:
        if "EXPR_HOME" in os.environ:
            env.TRY_D = "d"
    except:
        env.TRY_E = "never"
    try:
        env.TRY_F = str(env.EXPR_HOME) + "/f"
    finally:
        pass
"""
REQUESTS = [
    ["tool", "python-3"], ["tool", "python-2"], ["pip_thing", "python-2"], ["pip_thing"],
    ["linked"], ["linked", "python-2"], ["site", "lib"], [".render-2", "lib", "tool"],
    ["cond"], ["expr"], ["unsetter"], ["plug", "lib"], ["plug", "python-3"], ["plug", "python-2"],
    ["pathy2"], ["pathy"], ["studio"], ["looper"], ["looper", "lib"], ["early"],
    ["early", "python-2"], ["late"], ["cook"], ["cook", "python-2"],
    ["pick"], ["pick", "tool"], ["helpers"], ["helpers", "lib"],
    ["plug", "python-2", ".render-1"], ["plug", ".render-2"], ["plug", "~python-2"], ["bundle"], ["bundle-1.0"], ["bundle-1.5"], ["kit"], ["kit-1", "python"],
    ["guarded"], ["guarded_user"], ["matcher"], ["launcher"], ["launcher", "lib"],
    ["pathy_tests"], ["stopper", "lib"], ["stopper"],
    ["reader"], ["lib", "reader"], ["reader", "lib"], ["reader", "tool"],
    ["elifreader"], ["elifreader", "lib"],
    ["partreader"], ["partreader", "lib"], ["partreader", "tool"],
    ["loopreader"], ["loopreader", "lib"],
    ["namereader"], ["namereader", "lib"], ["namereader", "tool"],
    ["houdini"], ["houdini_plugin"], ["houdini_site", "houdini"], ["houdini_hda"],
    ["getenv_reader"], ["environ_reader"], ["messenger"], ["trier"], ["getenv_default"],
    ["getenv_compare"], ["version_locals"], ["version_locals", "python-2"],
    ["ternary"], ["ternary", "lib", "python-2"], ["ternary_reader"], ["ternary_reader", "lib"],
    ["format_key"], ["format_key", "lib"],
]
# Requests resolved again with more variables in the environment rez's context is built in.
MORE_BASE = [(["houdini"], {"HOUDINI_PATH": "/site"}),
             (["houdini_plugin"], {"HOUDINI_PATH": "/site"}),
             (["houdini_site", "houdini"], {"HOUDINI_PATH": "/site"}),
             (["houdini_hda"], {"HOUDINI_PATH": "/site"}),
             (["getenv_reader"], {"GETENV_UNSET": "now set", "GETENV_EMPTY": "full"}),
             (["environ_reader"], {"ENVIRON_UNSET": "/e"}),
             (["getenv_default"], {"DEFAULT_SITE": "london", "DEFAULT_ROOT": "/r",
                                   "DEFAULT_EMPTY": ""}),
             (["getenv_default"], {"DEFAULT_SITE": "", "DEFAULT_EMPTY": "full"}),
             (["getenv_compare"], {"COMPARE_SITE": "london", "COMPARE_MODE": "it's"}),
             (["getenv_compare"], {"COMPARE_SITE": "rome", "COMPARE_MODE": "-n"}),
             (["getenv_compare"], {"COMPARE_SITE": "", "COMPARE_MODE": "-n"}),
             (["getenv_compare"], {"COMPARE_SITE": "paris"}),
             (["ternary_reader"], {"TERN_UNSET": "/t"})]


def write(folder):
    for (name, version), body in PACKAGES.items():
        base = os.path.join(folder, name, version)
        os.makedirs(base)
        with open(os.path.join(base, "package.py"), "w") as out:
            out.write(f"name = '{name}'\nversion = '{version}'\n{body}")
    # rez's links to the hashed variant folders of `linked` (its `_v` folder), as a release
    # makes them.
    base = os.path.join(folder, "linked", "3")
    os.makedirs(os.path.join(base, "_v"))
    for index, requirement in enumerate(["python-3", "python-2"]):
        digest = hashlib.sha1(str([requirement]).encode()).hexdigest()
        os.makedirs(os.path.join(base, digest))
        os.symlink(os.path.join("..", digest), os.path.join(base, "_v", "ab"[index]))
    os.makedirs(os.path.join(folder, "site"))
    with open(os.path.join(folder, "site", "package.py"), "w") as out:
        out.write(UNVERSIONED)
    for file, body in COMBINED.items():
        with open(os.path.join(folder, file), "w") as out:
            out.write(body)


# Variables of the environment the commands are applied to, as the test gives them too.
BASE = {"EXPR_HOME": "/home/test", "EXPR_HOME2": "h2", "EXPR_GONE": "g", "EXPR_GONE2": "g2",
        "INHERITED_LIST": "/inherited", "GETENV_EMPTY": ""}


def main():
    os.environ.update(BASE)
    folder = sys.argv[1]
    repository = os.path.join(folder, "repository")
    write(repository)
    cases = []
    added = {}
    for request, more in [(request, {}) for request in REQUESTS] + MORE_BASE:
        # The environment: BASE and this request's own variables.
        for name in added:
            del os.environ[name]
        os.environ.update(more)
        added = more
        case_base = dict(BASE, **more)
        context = ResolvedContext(request, package_paths=[repository],
                                  add_implicit_packages=False)
        assert context.status.name == "solved", request
        # A package's stop: rez's context makes no environment, and says why.
        try:
            environ = context.get_environ()
        except PackageCommandError as error:
            cases.append({"request": request, "variables": {}, "base": case_base,
                          "removed": [], "aliases": {},
                          "stopped": str(error).rsplit("\n", 1)[-1]})
            continue
        names = {"LIB_PATHS", "LIB_VERSION", "TOOL_PATHS", "TOOL_PYTHON", "PIP_THING_ROOT_SEEN",
                 "LINKED_ROOT_SEEN", "SITE_PATHS", "PHASES", "TOOL_VERSION", "TOOL_MINOR",
                 "TOOL_MAJOR", "TOOL_PY_BASE", "TOOL_PY_VERSION", "BUNDLE_SEEN",
                 "BUNDLE_VERSION", "BUNDLE_NEW", "KIT_SEEN", "COND_BUILD", "COND_BUILD_LINUX",
                 "COND_PLATFORM", "COND_OS", "COND_NESTED", "COND_AFTER"}
        names |= {"EXPR_" + letter for letter in "ABCDEFGHIJKLMNO"}
        names |= {"PLUG_PATH", "PLUG_LIB", "PLUG_RENDER", "PLUG_EPH", "PLUG_REQ", "UNSET_A",
                  "UNSET_B", "CMAKE_MODULE_PATH", "STUDIO_NOT", "STUDIO_PATHS"}
        names |= {"STUDIO_" + letter for letter in "ABCDE"}
        names |= {"LOOP_" + name for name in
                  ["PATH", "HOME", "TOOLS", "A", "B", "C", "PICKED", "PARTS", "GET", "LEN", "FOR",
                   "LIB", "FIRST_MISSING"]}
        names |= {"GUARD_" + letter for letter in "ABCDEFGHI"}
        names |= {"MATCH_" + letter for letter in "ABCD"}
        names |= {"PATHS_" + letter for letter in "ABC"}
        names |= {"STOP_" + name for name in ["HOME", "A", "B", "C"]}
        names |= {"READER_" + letter for letter in "ABCDEF"} | {"ELIF_A", "ELIF_B"}
        names |= {"PART_" + letter for letter in "ABCDEF"} | {"LOOPR_A", "LOOPR_B"}
        names |= {"NAMER_A", "NAMER_B", "NAMER_C"}
        names |= {"HFS", "HOUDINI_PATH", "KEYS_SET"} | {"KEYS_" + letter for letter in "ABCDEFG"}
        names |= {"KEYS_TOOLS"} | {"GETENV_" + letter for letter in "ABCDEFGHI"}
        names |= {"ENVIRON_" + letter for letter in "ABC"} | {"RESET_A", "RESET_B"}
        names |= {"TRY_" + letter for letter in "ABCDEF"}
        names |= {"DEFAULT_" + letter for letter in "ABCDEFGH"}
        names |= {"COMPARE_" + letter for letter in "ABCDEFG"} | {"VLOC_A", "VLOC_B", "TERN_A", "TERN_B", "TERN_C", "FMT_A", "FMT_B"}
        names |= {"EARLY_ROOT", "LATE_ROOT", "COOK_FLAVOUR", "COOK_PATHS", "PICK_ROOT"}
        names |= {"HELPERS_" + name for name in
                  ["PATH", "MORE", "TOOL", "WITH", "ALONE", "SEEN"]}
        variables = {name: value for name, value in environ.items()
                     if name in names or (name in case_base and case_base[name] != value)
                     or (name.startswith("REZ_")
                                          and not name.startswith("REZ_USED")
                                          and (name.endswith(("VERSION", "_BASE", "_ROOT"))
                                               or name.startswith("REZ_EPH_"))
                                          and name != "REZ_VERSION")}
        # Which variables of the base the context's actions leave removed, as a shell
        # running them would (get_environ gives only the variables it sets).
        present = dict.fromkeys(case_base, True)
        for action in context.get_actions():
            name = getattr(action, "key", None)
            if name in present:
                present[name] = type(action).__name__ != "Unsetenv"
        removed = sorted(name for name, held in present.items() if not held)
        # rez ends PATH with the system's paths, where flow keeps the environment's own:
        # the environment's own stands for them here.
        base = dict(case_base, PATH=os.environ["PATH"])
        system = os.pathsep.join(create_shell().get_syspaths())
        path = environ.get("PATH", "")
        if path != system:
            assert path.endswith(os.pathsep + system), path
            variables["PATH"] = path[:-len(system)] + base["PATH"]
        # The aliases a shell running the context defines: the last command of each name.
        aliases = {}
        for action in context.get_actions():
            if type(action).__name__ == "Alias":
                aliases[action.args[0]] = action.args[1]
        cases.append({"request": request, "variables": variables, "base": base,
                      "removed": removed, "aliases": aliases})
    with open(os.path.join(folder, "cases.json"), "w") as out:
        json.dump(cases, out)


main()
