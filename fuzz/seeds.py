#!/usr/bin/env python3
"""Writes the fuzz seed corpora, one folder per harness under the folder given
(default .build/fuzz/seeds), from the examples and the string literals of the unit
tests, so the fuzzers start from inputs the tests know."""
import hashlib
import pathlib
import re
import shutil
import sys

root = pathlib.Path(__file__).resolve().parent.parent
seeds = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / ".build" / "fuzz" / "seeds"
tests = root / "Tests" / "FlowCoreTests"

block = re.compile(r'"""\n(.*?)\n\s*"""', re.S)
line = re.compile(r'"((?:[^"\\\n]|\\.){1,200})"')


def unescape(text):
    text = re.sub(r"\\\(.*?\)", "x", text)
    return (text.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')
            .replace("\\\\", "\\"))


def test_file(name):
    """A unit test file by name, wherever under the test tree it sits."""
    return next(tests.rglob(name))


def literals(paths, short=False):
    found = []
    for path in paths:
        source = path.read_text()
        for match in block.finditer(source):
            body = match.group(1)
            indent = min((len(l) - len(l.lstrip()) for l in body.splitlines() if l.strip()),
                         default=0)
            found.append("\n".join(l[indent:] for l in body.splitlines()) + "\n")
        if short:
            found += [unescape(m.group(1)) for m in line.finditer(source)]
    return found


def write(name, texts):
    folder = seeds / name
    folder.mkdir(parents=True, exist_ok=True)
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


shutil.rmtree(seeds, ignore_errors=True)
examples = sorted(root.glob("examples/*/workflow.yaml"))
write("WorkflowYAML", [p.read_bytes() for p in examples]
      + literals([test_file("WorkflowReaderTests.swift"),
                  test_file("YAMLLoaderTests.swift")]))
documents = ([p.read_bytes() for p in sorted(root.glob("Tests/Fixtures/golden/*.json"))]
             + [t for t in literals([test_file("WorkflowDocumentTests.swift"),
                                     test_file("PipeResolutionTests.swift")])
                if t.lstrip().startswith("{")])
# Every tool's reading path starts from the same documents.
for name in ("PipeDocument", "PipeDocumentEnvfile", "PipeDocumentResolve", "PipeDocumentSchedule",
             "PipeDocumentExec"):
    write(name, documents)
write("TOMLCatalogue", [p.read_bytes() for p in sorted(root.glob("examples/*/*.toml"))]
      + literals([test_file("CatalogueTests.swift"),
                  test_file("CatalogueIndexTests.swift"),
                  test_file("TOMLReaderTests.swift"),
                  test_file("TOMLReaderErrorTests.swift")]))
specs = [t for t in literals([test_file("VersionSpecTests.swift"),
                              test_file("VersionTests.swift")], short=True)
         if "\n" not in t]
write("VersionSpec", [a + "\n" + b for a, b in zip(specs, specs[1:] + specs[:1])])
# CompiledIndex: a damage mode, then its arguments (see the harness).
write("CompiledIndex", [bytes([0]), bytes([1, 0, 0, 0, 40]), bytes([2, 0, 30, 1]),
                        bytes([2, 0, 0, 255, 0, 200, 128]), bytes([3, 0, 120, 4]),
                        bytes([3, 0, 90, 255, 0, 91, 255]),
                        # A sealed index naming a variant its version lacks (once a trap).
                        b"\xff\xff?RRet",
                        # A sealed index where lib 3.0.0 requires lib itself (once a trap).
                        bytes([3, 1, 0x20, 80])])
# RezPackageFile: package files, fields written as functions and commands lines from the rez
# tests.
write("RezPackageFile", literals([test_file("PythonModuleReaderTests.swift"),
                                  test_file("FieldFunctionTests.swift"),
                                  test_file("RezRepositoryTests.swift")], short=True))
envfiles = literals(sorted((tests / "EnvFile").glob("*.swift")), short=True)
envfiles = [t for t in envfiles if "=" in t]
for dialect in ("Compose", "Python", "Docker"):
    write("EnvFile" + dialect, envfiles)
print("fuzz: seeds " + ", ".join(
    f"{folder.name} {len(list(folder.iterdir()))}" for folder in sorted(seeds.iterdir())))
