/// A comment turning checks off or on from its line on, as dotenv-linter reads it:
/// `# dotenv-linter:off UnorderedKey, DuplicatedKey` (names split at spaces and commas;
/// unknown names are ignored; no names at all is still a control comment).
struct EnvLintControlComment: Equatable {
  var disables: Bool
  var checks: [EnvLintCheck]

  init?(_ comment: String) {
    var text = Substring(comment).drop { $0.isWhitespace }
    guard text.first == "#" else { return nil }
    text = text.dropFirst().drop { $0.isWhitespace }
    let prefix = "dotenv-linter:"
    guard text.hasPrefix(prefix) else { return nil }
    let words = text.dropFirst(prefix.count).split(whereSeparator: \.isWhitespace)
    guard let flag = words.first, flag == "on" || flag == "off" else { return nil }
    disables = flag == "off"
    checks = words.dropFirst().flatMap { $0.split(separator: ",") }.compactMap {
      EnvLintCheck(rawValue: String($0))
    }
  }
}
