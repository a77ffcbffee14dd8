import FlowTestSupport

/// Random catalogue files for comparing the two ways of reading them: entries under their own
/// headers, under `.env` sub-headers or with inline tables, every `env` form, requires and
/// conflicts, other tables around them, and entries that cannot be read (bad version keys,
/// fields of the wrong type, bad requirements, two keys of one version).
struct CatalogueFileGenerator {
  var random: SeededGenerator
  /// Whether later files may write versions again, which a deep merge combines.
  var rewrites: Bool
  private var keys: [String: [String]] = [:]

  static let packages = ["p0", "p1", "houdini.py3_10", "root", "p 4"]

  init(seed: UInt64, rewrites: Bool) {
    random = SeededGenerator(seed: seed)
    self.rewrites = rewrites
  }

  mutating func file(entries: Int) -> String {
    var text = random.chance(0.3) ? "title = \"catalogue\"\nowner.name = \"x\"\n\n" : ""
    if random.chance(0.2) { text += "[packages]\n\n" }
    var namedHeaders: Set<String> = []
    for _ in 0..<entries {
      let name = random.pick(Self.packages)
      let key = versionKey(of: name)
      let entry = "packages.\(quoted(name)).\(quoted(key))"
      if random.chance(0.1) && namedHeaders.insert(name).inserted {
        text += "[packages.\(quoted(name))]\n"
      }
      switch Int.random(in: 0..<4, using: &random) {
      case 0:
        // An implicit entry made by its `env` table, then given its own header.
        text += "[\(entry).env]\n" + variables(prefix: "")
        if random.chance(0.5) { text += "[\(entry)]\n" + fields() }
      case 1:
        text += "[\(entry)]\n" + fields()
        text += "env = { A = \"a\", PATH = { prepend = [\"/p\", \"/q\"], append = \"/z\" } }\n"
      case 2:
        text += "[\(entry)]\n" + fields() + "[\(entry).env.PATH]\nset = \"/only\"\n"
      default:
        text += "[\(entry)]\n" + fields() + variables(prefix: "env.")
      }
      if random.chance(0.2) {
        text += "\n[tool.\(Int.random(in: 0..<1000, using: &random))]\nx = 1\n"
      }
      text += random.chance(0.5) ? "\n" : ""
    }
    return text
  }

  /// A new key, now and then one already used (when rewrites are allowed) or a bad one.
  private mutating func versionKey(of name: String) -> String {
    let known = keys[name, default: []]
    if rewrites && !known.isEmpty && random.chance(0.3) { return random.pick(known) }
    while true {
      let major = Int.random(in: 0..<30, using: &random)
      let minor = Int.random(in: 0..<4, using: &random)
      var key = random.pick([
        "\(major).\(minor).0", "\(major).\(minor)", "\(major).\(minor).1-rc.1",
        "\(major).\(minor).0+build.\(minor)", "\(major)",
      ])
      if random.chance(0.05) { key = random.pick(["3.6x", "", "1..2", "v!"]) + "\(major)" }
      if !known.contains(key) {
        keys[name, default: []].append(key)
        return key
      }
    }
  }

  private mutating func fields() -> String {
    var text = ""
    if random.chance(0.5) {
      text +=
        random.chance(0.95)
        ? "label = \"Label \\\"\(Int.random(in: 0..<9, using: &random))\"\n" : "label = 3\n"
    }
    if random.chance(0.3) {
      text +=
        random.chance(0.95)
        ? "priority = \(Int.random(in: -5..<90, using: &random))\n" : "priority = \"high\"\n"
    }
    for field in ["requires", "conflicts"] where random.chance(0.5) {
      if random.chance(0.05) {
        text += "\(field) = \"p0\"\n"
        continue
      }
      var items: [String] = []
      for _ in 0..<Int.random(in: 0..<4, using: &random) {
        let spec = random.pick(["", " >=1.0", " ~=2.1", " ^1.2 || >=20", ">=1,<3", " >=="])
        items.append(quoted(random.pick(["p0", "p1", "root", "houdini.py3_10"]) + spec))
      }
      text += "\(field) = [\(items.joined(separator: ", "))]\n"
    }
    return text
  }

  private mutating func variables(prefix: String) -> String {
    var text = ""
    for number in 0..<Int.random(in: 0..<4, using: &random) {
      let name = random.pick(["PATH", "HOME", "V\(number)", "LD_LIBRARY_PATH"])
      if text.contains("\(prefix)\(name).") || text.contains("\(prefix)\(name) ") { continue }
      switch Int.random(in: 0..<9, using: &random) {
      case 0: text += "\(prefix)\(name) = \"/opt/\(number)\"\n"
      case 1: text += "\(prefix)\(name) = [\"/a\", \"/b\"]\n"
      case 2: text += "\(prefix)\(name) = \(number)\n"
      case 3: text += "\(prefix)\(name) = true\n"
      case 4: text += "\(prefix)\(name) = 1979-05-27\n"
      case 5: text += "\(prefix)\(name).prepend = [\"$\(name)/bin\", \"/x\"]\n"
      case 6:
        text += "\(prefix)\(name).append = \"/tail\"\n\(prefix)\(name).set = [\"p\", \"q\"]\n"
      case 7: text += "\(prefix)\(name).replace = \"bad action\"\n"
      default: text += "\(prefix)\(name) = { prepend = \"/i\" }\n"
      }
    }
    return text
  }

  private func quoted(_ text: String) -> String { "\"" + text + "\"" }
}
