"""Writes one generated DAG for bench/cache as a flow workflow, a build.ninja, a Makefile
and a Snakefile, each in its own folder with the same source files.

Stages come in blocks of 1,000 (or fewer): the first stage of a block reads a source
file in/sN.txt; every other stage needs 1 to 3 earlier stages of its block (among the
20 before it) and reads their outputs. Each stage writes out/sN.txt: the checksum of the
files it read, then its own number (a few bytes, whatever the depth). Changing the first source file so reruns one block.

Usage: generate.py STAGES FOLDER
"""

import os
import random
import sys

BLOCK = 1000
WINDOW = 20


def dag(count):
    chooser = random.Random(18)
    stages = []
    for index in range(count):
        start = index - index % BLOCK
        if index == start:
            stages.append([])
            continue
        window = list(range(max(start, index - WINDOW), index))
        stages.append(sorted(chooser.sample(window, min(len(window), chooser.randint(1, 3)))))
    return stages


def command(index, reads):
    return f"cat {' '.join(reads)} | cksum > out/s{index}.txt && echo {index} >> out/s{index}.txt"


def reads(index, needs):
    return [f"out/s{need}.txt" for need in needs] if needs else [f"in/s{index}.txt"]


def main():
    count, folder = int(sys.argv[1]), sys.argv[2]
    stages = dag(count)
    for tool in ["flow", "ninja", "make", "snakemake"]:
        os.makedirs(f"{folder}/{tool}/in", exist_ok=True)
        os.makedirs(f"{folder}/{tool}/out", exist_ok=True)
        for index, needs in enumerate(stages):
            if not needs:
                with open(f"{folder}/{tool}/in/s{index}.txt", "w") as source:
                    source.write(f"source {index}\n")
    with open(f"{folder}/flow/workflow.yaml", "w") as out:
        out.write("stages:\n")
        for index, needs in enumerate(stages):
            files = reads(index, needs)
            out.write(f"  - name: s{index}\n    type: BashOperator\n")
            out.write(f"    kwargs: {{bash_command: \"{command(index, files)}\"}}\n")
            out.write(f"    needs: [{', '.join(f's{need}' for need in needs)}]\n")
            out.write(f"    inputs: [{', '.join(files)}]\n")
            out.write(f"    outputs: [out/s{index}.txt]\n")
    with open(f"{folder}/ninja/build.ninja", "w") as out:
        out.write("rule stage\n  command = cat $in | cksum > $out && echo $number >> $out\n\n")
        for index, needs in enumerate(stages):
            files = " ".join(reads(index, needs))
            out.write(f"build out/s{index}.txt: stage {files}\n  number = {index}\n")
    with open(f"{folder}/make/Makefile", "w") as out:
        outputs = " ".join(f"out/s{index}.txt" for index in range(count))
        out.write(f"all: {outputs}\n\n")
        for index, needs in enumerate(stages):
            files = " ".join(reads(index, needs))
            out.write(f"out/s{index}.txt: {files}\n\tcat $^ | cksum > $@ && echo {index} >> $@\n")
    with open(f"{folder}/snakemake/Snakefile", "w") as out:
        out.write(f"READS = {[reads(index, needs) for index, needs in enumerate(stages)]!r}\n\n")
        out.write(f"rule all:\n    input: expand('out/s{{index}}.txt', index=range({count}))\n\n")
        out.write("rule stage:\n")
        out.write("    output: 'out/s{index}.txt'\n")
        out.write("    input: lambda wildcards: READS[int(wildcards.index)]\n")
        out.write("    shell: 'cat {input} | cksum > {output} && echo {wildcards.index} >> {output}'\n")


main()
