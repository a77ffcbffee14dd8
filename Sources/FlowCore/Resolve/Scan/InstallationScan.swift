/// Finds installed software under a root folder and describes it as catalogue entries:
/// Houdini (`hfs*` and `Houdini *` folders, named `houdini.pyX_Y` after their Python),
/// Blender, ROOT (through `root-config`), CUDA toolkits and Python interpreters. A broken
/// installation is reported in `problems` and skipped; the scan goes on.
public struct InstallationScan: Sendable {
  public internal(set) var entries: [PackageVersion] = []
  public internal(set) var problems: [String] = []
  let root: String

  /// `root` is prepended to the standard locations (`/opt`, `/usr/local`, `/usr/bin`).
  public init(root: String) {
    self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    scanHoudini()
    scanBlender()
    scanROOT()
    scanCUDA()
    scanPython()
  }

  /// Sub-folders of `folder` with their full paths, sorted by name.
  func folders(in folder: String) -> [(name: String, path: String)] {
    CatalogueFiles.list(folder, suffix: "").map { ($0, folder + "/" + $0) }.filter {
      CatalogueFiles.status($0.path)?.isDirectory == true
    }
  }

  func exists(_ path: String) -> Bool { CatalogueFiles.status(path) != nil }

  mutating func add(
    _ name: String, _ versionText: String, label: String, at path: String,
    _ variables: [VariableChange]
  ) {
    guard let version = try? Version(parsing: versionText) else {
      problems.append("\(path): cannot read version '\(versionText)'; skipped")
      return
    }
    if entries.contains(where: { $0.name == name && $0.version == version }) { return }
    entries.append(
      PackageVersion(
        name: name, version: version, key: versionText, label: label, variables: variables,
        definedAt: path))
  }

  /// Leading `digits(.digits)*` of `text`.
  static func leadingVersion(_ text: Substring) -> String? {
    var end = text.startIndex
    var lastDigit: String.Index?
    while end < text.endIndex {
      let character = text[end]
      if character.isASCII && character.isNumber {
        lastDigit = end
      } else if character != "." || lastDigit == nil || lastDigit != text.index(before: end) {
        break
      }
      end = text.index(after: end)
    }
    guard let lastDigit else { return nil }
    return String(text[text.startIndex...lastDigit])
  }

  /// Drops a case-insensitive `prefix` and following spaces or dashes, if present.
  static func afterPrefix(_ prefix: String, of name: String) -> Substring? {
    guard name.lowercased().hasPrefix(prefix) else { return nil }
    return name.dropFirst(prefix.count).drop { $0 == " " || $0 == "-" || $0 == "_" }
  }
}
