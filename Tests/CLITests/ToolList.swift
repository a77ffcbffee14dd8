import Foundation

/// The tools Package.swift builds, read from its `tools` list, so that every check
/// over all tools covers a new one as soon as it is listed.
enum ToolList {
  static let names: [String] = {
    let manifest =
      (try? String(
        contentsOf: ToolRun.root.appendingPathComponent("Package.swift"), encoding: .utf8)) ?? ""
    guard
      let line = manifest.components(separatedBy: "\n").first(where: {
        $0.hasPrefix("let tools = [")
      })
    else { return [] }
    return line.dropFirst("let tools = [".count).split(separator: ",").map {
      $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"] "))
    }
  }()
}
