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
write("no-gpu", "/proc/sys/kernel/arch", "aarch64\n")
write("no-gpu", "/etc/os-release", 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n')
pci("no-gpu", "0000:03:00.0", "0x1a03", "0x030000", "ast")

machine("nvidia-one")
nvidia("nvidia-one", 0, "0000:3b:00.0", "GPU-6f1e2c4a-0d6b-4c7e-9a51-1f0b6de2a7a1")
write("nvidia-one", "/dev/nvidiactl")
write("nvidia-one", "/sys/module/nvidia/version", "550.54.14\n")
write("nvidia-one", "/proc/sys/kernel/arch", "x86_64\n")
write("nvidia-one", "/etc/lsb-release", 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n')
write("nvidia-one", "/etc/os-release", 'ID=ubuntu\nVERSION_ID="22.04"\n')

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
write("nvidia-mig", "/nvidia-smi.csv",
      "0, GPU-5c1a2b3c-1111-2222-3333-444455556666, NVIDIA A100-SXM4-40GB, 40960, "
      "00000000:07:00.0, Enabled\n")
write("nvidia-mig", "/nvidia-smi-L.txt",
      "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5c1a2b3c-1111-2222-3333-444455556666)\n"
      "  MIG 3g.20gb     Device  0: (UUID: MIG-c7384736-a75d-5afc-978f-d2f1294409fd)\n"
      "  MIG 3g.20gb     Device  1: (UUID: MIG-a28ad590-3fd2-5e2a-b4e7-8d9b2e8e0a9f)\n")
for gi in (1, 2):
    write("nvidia-mig", f"/proc/driver/nvidia/capabilities/gpu0/mig/gi{gi}/access", "DeviceFileMinor: 1\n")
    write("nvidia-mig", f"/proc/driver/nvidia/capabilities/gpu0/mig/gi{gi}/ci0/access", "DeviceFileMinor: 2\n")

A100_80GB = "GPU-a1008000-0000-4000-8000-000000000000"
machine("nvidia-80gb", cpus="0-31")
nvidia("nvidia-80gb", 0, "0000:41:00.0", A100_80GB, model="NVIDIA A100-SXM4-80GB")
write("nvidia-80gb", "/proc/driver/nvidia/version",
      "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n"
      "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n")
write("nvidia-80gb", "/nvidia-smi.csv",
      f"0, {A100_80GB}, NVIDIA A100-SXM4-80GB, 81920, 00000000:41:00.0, Disabled\n")

# A driver upgraded from 535 to 550 after the CDI specification was generated.
STALE = "GPU-5a1e0000-0000-4000-8000-000000000000"
machine("nvidia-stale-cdi")
nvidia("nvidia-stale-cdi", 0, "0000:3b:00.0", STALE, model="NVIDIA L4")
write("nvidia-stale-cdi", "/proc/driver/nvidia/version",
      "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  Release Build"
      "  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 19:24:05 UTC 2024\n")
write("nvidia-stale-cdi", "/etc/cdi/nvidia.yaml",
      "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n- name: \"0\"\n  containerEdits:\n"
      "    deviceNodes:\n    - path: /dev/nvidia0\ncontainerEdits:\n  mounts:\n"
      "  - hostPath: /usr/lib/x86_64-linux-gnu/libcuda.so.535.104.05\n"
      "    containerPath: /usr/lib/x86_64-linux-gnu/libcuda.so.535.104.05\n"
      "  - hostPath: /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.535.104.05\n"
      "    containerPath: /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.535.104.05\n")

# Driver 535 (CUDA 12.2 at most) and a local image built for CUDA 12.6.
OLD_DRIVER = "GPU-53500000-0000-4000-8000-000000000000"
machine("nvidia-535")
nvidia("nvidia-535", 0, "0000:3b:00.0", OLD_DRIVER, model="NVIDIA L4")
write("nvidia-535", "/proc/driver/nvidia/version",
      "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n")
write("nvidia-535", "/etc/cdi/nvidia.yaml",
      "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ncontainerEdits:\n  mounts:\n"
      "  - hostPath: /usr/lib/x86_64-linux-gnu/libcuda.so.535.104.05\n")
write("nvidia-535", "/podman-images/localhost_cuda-app_12.6.json", json.dumps([{
    "Id": "5f3c0de0", "Config": {
        "Env": ["PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/bin:/bin",
                "CUDA_VERSION=12.6.3", "NVIDIA_REQUIRE_CUDA=cuda>=12.6"],
        "Labels": {"maintainer": "NVIDIA CORPORATION <cudatools@nvidia.com>"}}}]))

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
