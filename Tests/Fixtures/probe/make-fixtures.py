#!/usr/bin/env python3
"""Writes the fake machine trees the probe tests read (run from this folder).

Device nodes are plain empty files and folders that would be empty hold a `.keep`
file, since git keeps neither device nodes nor empty folders."""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
MEMINFO = "MemTotal:       65536000 kB\nMemFree:        1000000 kB\nMemAvailable:   32768000 kB\n"


def write(tree, path, text=""):
    full = os.path.join(HERE, tree, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def link(tree, path, target):
    full = os.path.join(HERE, tree, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    os.symlink(target, full)


def machine(tree, cpus="0-7"):
    shutil.rmtree(os.path.join(HERE, tree), ignore_errors=True)
    write(tree, "/proc/meminfo", MEMINFO)
    write(tree, "/proc/self/status", f"Name:\tflow-sched\nCpus_allowed_list:\t{cpus}\n")
    write(tree, "/proc/self/cgroup", "0::/\n")
    write(tree, "/sys/devices/system/cpu/online", cpus + "\n")
    write(tree, "/sys/fs/cgroup/cgroup.controllers", "cpu memory\n")
    write(tree, "/sys/fs/cgroup/cpu.max", "max 100000\n")
    write(tree, "/sys/fs/cgroup/memory.max", "max\n")
    write(tree, "/dev/null")


def pci(tree, address, vendor, klass, driver):
    base = f"/sys/bus/pci/devices/{address}"
    write(tree, base + "/vendor", vendor + "\n")
    write(tree, base + "/class", klass + "\n")
    if driver:
        link(tree, base + "/driver", f"../../../bus/pci/drivers/{driver}")


def nvidia(tree, index, bus, uuid, model="Tesla V100-SXM2-16GB"):
    info = (f"Model: \t\t {model}\nIRQ:   \t\t 90\nGPU UUID: \t {uuid}\n"
            f"Video BIOS: \t 88.00.4f.00.09\nBus Type: \t PCIe\nDMA Size: \t 47 bits\n"
            f"Device Minor: \t {index}\nBus Location: \t {bus}\n")
    write(tree, f"/proc/driver/nvidia/gpus/{bus}/information", info)
    write(tree, f"/dev/nvidia{index}")
    pci(tree, bus, "0x10de", "0x030200", "nvidia")


def kfd_node(tree, node, properties):
    write(tree, f"/sys/class/kfd/kfd/topology/nodes/{node}/properties",
          "".join(f"{k} {v}\n" for k, v in properties.items()))


machine("no-gpu")
pci("no-gpu", "0000:03:00.0", "0x1a03", "0x030000", "ast")

machine("nvidia-one")
nvidia("nvidia-one", 0, "0000:3b:00.0", "GPU-6f1e2c4a-0d6b-4c7e-9a51-1f0b6de2a7a1")
write("nvidia-one", "/dev/nvidiactl")
write("nvidia-one", "/sys/module/nvidia/version", "550.54.14\n")

machine("nvidia-four", cpus="0-31")
for i, bus in enumerate(["0000:1a:00.0", "0000:1b:00.0", "0000:3d:00.0", "0000:3e:00.0"]):
    nvidia("nvidia-four", i, bus, f"GPU-0000000{i}-aaaa-bbbb-cccc-00000000000{i}")
write("nvidia-four", "/nvidia-smi.csv", "".join(
    f"{i}, GPU-0000000{i}-aaaa-bbbb-cccc-00000000000{i}, Tesla V100-SXM2-16GB, 16384, "
    f"00000000:{bus.split(':')[1].upper()}:00.0, [N/A]\n"
    for i, bus in enumerate(["0000:1a:00.0", "0000:1b:00.0", "0000:3d:00.0", "0000:3e:00.0"])))

machine("nvidia-dev-only")
write("nvidia-dev-only", "/dev/nvidia0")
write("nvidia-dev-only", "/dev/nvidia1")
write("nvidia-dev-only", "/dev/nvidiactl")
write("nvidia-dev-only", "/dev/nvidia-uvm")

machine("nvidia-mig")
nvidia("nvidia-mig", 0, "0000:07:00.0", "GPU-5c1a2b3c-1111-2222-3333-444455556666",
       model="NVIDIA A100-SXM4-40GB")
for gi in (1, 2):
    write("nvidia-mig", f"/proc/driver/nvidia/capabilities/gpu0/mig/gi{gi}/access", "DeviceFileMinor: 1\n")
    write("nvidia-mig", f"/proc/driver/nvidia/capabilities/gpu0/mig/gi{gi}/ci0/access", "DeviceFileMinor: 2\n")

machine("amd-mi300x", cpus="0-95")
write("amd-mi300x", "/dev/kfd")
kfd_node("amd-mi300x", 0, {"cpu_cores_count": 96, "simd_count": 0, "gfx_target_version": 0})
for n, bus in ((1, 0x0c), (2, 0x22)):
    kfd_node("amd-mi300x", n, {
        "cpu_cores_count": 0, "simd_count": 1216, "gfx_target_version": 90402,
        "location_id": bus << 8, "domain": 0, "unique_id": 0x3b2e7a1c90f4d21 + n,
        "drm_render_minor": 127 + n})
    write("amd-mi300x", f"/sys/class/kfd/kfd/topology/nodes/{n}/mem_banks/0/properties",
          "heap_type 1\nsize_in_bytes 206158430208\n")
    pci("amd-mi300x", f"0000:{bus:02x}:00.0", "0x1002", "0x120000", "amdgpu")

write("amd-mi300x", "/rocm-smi.json", json.dumps({
    f"card{n - 1}": {"Card series": "AMD Instinct MI300X", "Card model": "0x74a1",
                     "PCI Bus": f"0000:{bus:02X}:00.0", "VRAM Total Memory (B)": "206141652992"}
    for n, bus in ((1, 0x0c), (2, 0x22))}))

machine("amd-consumer")
write("amd-consumer", "/dev/kfd")
kfd_node("amd-consumer", 0, {"cpu_cores_count": 16, "simd_count": 0, "gfx_target_version": 0})
kfd_node("amd-consumer", 1, {
    "cpu_cores_count": 0, "simd_count": 192, "gfx_target_version": 110000,
    "location_id": 0x0300, "domain": 0, "unique_id": 0, "drm_render_minor": 128})
pci("amd-consumer", "0000:03:00.0", "0x1002", "0x030000", "amdgpu")
pci("amd-consumer", "0000:03:00.1", "0x1002", "0x040300", "snd_hda_intel")

machine("amd-apu")
write("amd-apu", "/dev/kfd")
kfd_node("amd-apu", 0, {"cpu_cores_count": 8, "simd_count": 24, "gfx_target_version": 110300})
pci("amd-apu", "0000:c4:00.0", "0x1002", "0x030000", "amdgpu")

machine("intel-igpu")
pci("intel-igpu", "0000:00:02.0", "0x8086", "0x030000", "i915")
write("intel-igpu", "/sys/class/drm/card0/dev", "226:0\n")

machine("cgroup-v2-container", cpus="0-15")
write("cgroup-v2-container", "/sys/fs/cgroup/cpu.max", "150000 100000\n")
write("cgroup-v2-container", "/sys/fs/cgroup/memory.max", "4294967296\n")
write("cgroup-v2-container", "/sys/fs/cgroup/memory.current", "1073741824\n")

machine("cgroup-v1-container", cpus="0-15")
os.remove(os.path.join(HERE, "cgroup-v1-container/sys/fs/cgroup/cgroup.controllers"))
write("cgroup-v1-container", "/proc/self/cgroup",
      "5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n0::/\n")
write("cgroup-v1-container", "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n")
write("cgroup-v1-container", "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n")
write("cgroup-v1-container", "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "200000\n")
write("cgroup-v1-container", "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n")
write("cgroup-v1-container", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n")
write("cgroup-v1-container", "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "2147483648\n")
write("cgroup-v1-container", "/sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes", "536870912\n")
