extension InstallationScan {
  /// The entries as catalogue TOML.
  public var catalogueText: String { Self.text(of: entries) }

  /// `existing` catalogue text with the entries added: only new package versions, keeping the
  /// file as written; with `override`, detected entries replace existing ones (the file is
  /// then rewritten from its entries).
  public func merged(into existing: String, file: String, override: Bool) throws -> String {
    merged(into: existing, catalogue: try Catalogue(texts: [(file, existing)]), override: override)
  }

  /// The same for the catalogue file's bytes as read: bytes that are not UTF-8 are an error
  /// at their place, as in every catalogue read, never replaced.
  public func merged(into existing: [UInt8], file: String, override: Bool) throws -> [UInt8] {
    let catalogue = try Catalogue(contents: [(file, existing)])
    let text = String(decoding: existing, as: UTF8.self)
    return Array(merged(into: text, catalogue: catalogue, override: override).utf8)
  }

  private func merged(into existing: String, catalogue: Catalogue, override: Bool) -> String {
    func isKnown(_ entry: PackageVersion) -> Bool {
      catalogue.versions(of: entry.name).contains { $0.version == entry.version }
    }
    if !override {
      let new = entries.filter { !isKnown($0) }
      if new.isEmpty { return existing }
      let separator =
        existing.isEmpty || existing.hasSuffix("\n\n")
        ? "" : existing.hasSuffix("\n") ? "\n" : "\n\n"
      return existing + separator + Self.text(of: new)
    }
    var all: [PackageVersion] = []
    for name in catalogue.names {
      for entry in catalogue.versions(of: name)
      where !entries.contains(where: { $0.name == name && $0.version == entry.version }) {
        all.append(entry)
      }
    }
    return Self.text(of: all + entries)
  }

  static func text(of entries: [PackageVersion]) -> String {
    var text = ""
    for entry in entries {
      if !text.isEmpty { text += "\n" }
      text += "[packages.\(quoted(entry.name)).\(quoted(entry.key))]\n"
      if let label = entry.label { text += "label = \(quoted(label))\n" }
      if entry.priority != 50 { text += "priority = \(entry.priority)\n" }
      for change in entry.variables {
        let key = "env.\(quoted(change.name))"
        if !change.prepend.isEmpty { text += "\(key).prepend = \(list(change.prepend))\n" }
        if !change.append.isEmpty { text += "\(key).append = \(list(change.append))\n" }
        if let set = change.set {
          text +=
            set.count == 1 ? "\(key).set = \(quoted(set[0]))\n" : "\(key).set = \(list(set))\n"
        }
      }
      if !entry.requires.isEmpty {
        text += "requires = \(list(entry.requires.map(\.description)))\n"
      }
      if !entry.conflicts.isEmpty {
        text += "conflicts = \(list(entry.conflicts.map(\.description)))\n"
      }
      if let released = entry.released { text += "released = \(quoted(released))\n" }
      if !entry.provides.isEmpty {
        text += "provides = \(list(entry.provides.map(\.requirementText)))\n"
      }
      if !entry.variants.isEmpty {
        text += "variants = [\n"
        for variant in entry.variants {
          var members = ["requires = \(list(variant.requires.map(\.description)))"]
          if !variant.variables.isEmpty {
            members.append("env = \(inlineEnvironment(variant.variables))")
          }
          text += "  { \(members.joined(separator: ", ")) },\n"
        }
        text += "]\n"
      }
    }
    return text
  }

  /// Environment changes as one inline table: `{ "NAME" = { prepend = […], set = […] } }`.
  static func inlineEnvironment(_ changes: [VariableChange]) -> String {
    let variables = changes.map { change -> String in
      var members: [String] = []
      if !change.prepend.isEmpty { members.append("prepend = \(list(change.prepend))") }
      if !change.append.isEmpty { members.append("append = \(list(change.append))") }
      if let set = change.set { members.append("set = \(list(set))") }
      return "\(quoted(change.name)) = { \(members.joined(separator: ", ")) }"
    }
    return "{ \(variables.joined(separator: ", ")) }"
  }

  static func list(_ values: [String]) -> String {
    "[" + values.map(quoted).joined(separator: ", ") + "]"
  }

  /// A TOML basic string.
  static func quoted(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case "\r": result += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          let hex = String(scalar.value, radix: 16)
          result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }
}
