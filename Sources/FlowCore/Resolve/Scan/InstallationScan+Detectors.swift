extension InstallationScan {
  mutating func scanHoudini() {
    for (name, path) in folders(in: root + "/opt") {
      guard
        let rest = Self.afterPrefix("houdini", of: name) ?? Self.afterPrefix("hfs", of: name),
        let version = Self.leadingVersion(rest), version.split(separator: ".").count == 3,
        rest.dropFirst(version.count).isEmpty || rest.dropFirst(version.count).hasPrefix(".py")
      else { continue }
      let pythons = CatalogueFiles.list(path + "/python/bin", suffix: "").compactMap {
        Self.afterPrefix("python", of: $0).flatMap(Self.leadingVersion)
      }.filter { $0.split(separator: ".").count == 2 }
      guard let python = pythons.last else {
        problems.append("\(path): Houdini without python/bin/pythonX.Y; skipped")
        continue
      }
      let suffix = python.replacing(".", with: "_")
      add(
        "houdini.py\(suffix)", version, label: "SideFX Houdini \(version)", at: path,
        [
          VariableChange(name: "HFS", set: [path]),
          VariableChange(name: "PATH", prepend: [path + "/bin"]),
        ])
    }
  }

  mutating func scanBlender() {
    for (name, path) in folders(in: root + "/opt") {
      guard let rest = Self.afterPrefix("blender", of: name),
        let version = Self.leadingVersion(rest)
      else { continue }
      guard exists(path + "/blender") else {
        problems.append("\(path): Blender without a blender executable; skipped")
        continue
      }
      add(
        "blender", version, label: "Blender \(version)", at: path,
        [VariableChange(name: "PATH", prepend: [path])])
    }
  }

  mutating func scanROOT() {
    var candidates = folders(in: root + "/opt").filter { $0.name.lowercased().hasPrefix("root") }
      .map(\.path)
    candidates.append(root + "/usr/local")
    for path in candidates {
      let config = path + "/bin/root-config"
      guard exists(config) else {
        if path != root + "/usr/local" {
          problems.append("\(path): ROOT without bin/root-config; skipped")
        }
        continue
      }
      guard let output = ProgramOutput.run([config, "--version"]),
        let version = Self.leadingVersion(
          Substring(String(output.trimmingSpaces).replacing("/", with: ".")))
      else {
        problems.append("\(config) --version failed; skipped")
        continue
      }
      add(
        "root", version, label: "ROOT \(output.trimmingSpaces)", at: path,
        [
          VariableChange(name: "ROOTSYS", set: [path]),
          VariableChange(name: "PATH", prepend: [path + "/bin"]),
          VariableChange(name: "LD_LIBRARY_PATH", prepend: [path + "/lib"]),
          VariableChange(name: "PYTHONPATH", prepend: [path + "/lib"]),
        ])
    }
  }

  mutating func scanCUDA() {
    for (name, path) in folders(in: root + "/usr/local") where name.hasPrefix("cuda") {
      guard exists(path + "/bin/nvcc") else {
        problems.append("\(path): CUDA toolkit without bin/nvcc; skipped")
        continue
      }
      var version: String?
      if let text = CatalogueFiles.read(path + "/version.json"),
        case .object(let document)? = try? JSONCodec.decode(Array(text.utf8)),
        case .object(let cuda)? = document["cuda"], case .string(let number)? = cuda["version"]
      {
        version = number
      } else if let text = CatalogueFiles.read(path + "/version.txt"),
        let range = text.firstRange(of: "Version ")
      {
        version = Self.leadingVersion(text[range.upperBound...])
      } else if let rest = Self.afterPrefix("cuda", of: name) {
        version = Self.leadingVersion(rest)
      }
      guard let version else {
        problems.append("\(path): cannot tell the CUDA version; skipped")
        continue
      }
      add(
        "cuda", version, label: "CUDA Toolkit \(version)", at: path,
        [
          VariableChange(name: "CUDA_HOME", set: [path]),
          VariableChange(name: "PATH", prepend: [path + "/bin"]),
          VariableChange(name: "LD_LIBRARY_PATH", prepend: [path + "/lib64"]),
        ])
    }
  }

  mutating func scanPython() {
    for folder in [root + "/usr/bin", root + "/usr/local/bin"] {
      for name in CatalogueFiles.list(folder, suffix: "") {
        guard let rest = Self.afterPrefix("python", of: name),
          let named = Self.leadingVersion(rest), named == rest,
          named.split(separator: ".").count == 2
        else { continue }
        let path = folder + "/" + name
        guard let output = ProgramOutput.run([path, "--version"]),
          let rest = Self.afterPrefix("python", of: output.trimmingSpaces.lowercased()),
          let version = Self.leadingVersion(rest)
        else {
          problems.append("\(path) --version failed; skipped")
          continue
        }
        add(
          "python", version, label: "Python \(version)", at: path,
          [VariableChange(name: "PATH", prepend: [folder])])
      }
    }
  }
}
