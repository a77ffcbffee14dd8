#!/usr/bin/env python3
"""Writes a large workflow for bench/parse: N stages with environments, resources,
requirements, variables and needs, in the shapes real workflows use."""
import os
import random
import sys

def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    folder = sys.argv[2] if len(sys.argv) > 2 else "bench/data/parse"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "site.env"), "w") as env:
        env.write("SITE=bench\n")
    rng = random.Random(42)
    lines = [
        "global:",
        "  resources: {memory: 2Gi, cpu: 1}",
        "  variables: site.env",
        "  executor: LocalExecutor",
        "stages:",
    ]
    for index in range(count):
        lines.append(f"  - name: stage_{index:06d}")
        lines.append("    type: fasthep_flow.operators.BashOperator")
        lines.append("    kwargs:")
        lines.append(f"      bash_command: \"process --input data/part_{index}.root --output out/part_{index}.root\"")
        lines.append(f"      retries: {rng.randint(0, 3)}")
        if index > 0:
            picks = sorted({rng.randrange(index) for _ in range(rng.randint(1, 3))})
            lines.append("    needs: [" + ", ".join(f"stage_{p:06d}" for p in picks) + "]")
        lines.append(f"    duration: {rng.randint(1, 120)}m")
        lines.append("    environment:")
        lines.append(f"      image: registry.example.org/analysis/root:6.{rng.randint(24, 32)}.0{rng.randint(0, 8)}")
        lines.append("      variables:")
        lines.append(f"        PART: \"{index}\"")
        lines.append(f"        METHOD: {rng.choice(['CLs', 'Asimov', 'toys'])}")
        lines.append("      resources:")
        lines.append(f"        memory: {rng.choice(['512Mi', '1Gi', '4Gi', '8Gi', '16G'])}")
        lines.append(f"        cpu: {rng.choice([1, 2, 4, 0.5])}")
        lines.append(f"        process_on: {rng.choice(['cpu', 'gpu_if_available', 'cpu'])}")
        if rng.random() < 0.2:
            lines.append("        houdini_license: 1")
        lines.append("      requirements:")
        lines.append(f"        root: \"~=6.{rng.randint(24, 32)}\"")
        lines.append(f"        python: \">=3.{rng.randint(8, 12)}\"")
    with open(os.path.join(folder, "workflow.yaml"), "w") as out:
        out.write("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()
