/// The environment changes of chosen packages, in the order Lifeblood applies them:
/// packages by ascending `priority` (stable, so ties keep their order), and within a package
/// each variable in catalogue order with its prepend, then append, then set.
///
/// Applying follows Lifeblood's `Environment`: prepend or append on a missing variable sets
/// it; otherwise values join with `:` without de-duplication (an empty variable leaves a
/// trailing `:`); `$VAR` and `${VAR}` expand against the environment being built, undefined
/// ones to nothing, and a prepend or append re-expands the whole joined value.
public struct EnvironmentActions: Sendable, Hashable {
  public struct Action: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case prepend, append, set }

    public var kind: Kind
    public var variable: String
    /// The value before expansion; a list is joined with `:`.
    public var value: String
    /// The package the action comes from.
    public var package: String

    public init(kind: Kind, variable: String, value: String, package: String) {
      self.kind = kind
      self.variable = variable
      self.value = value
      self.package = package
    }
  }

  public private(set) var actions: [Action]

  public init(actions: [Action]) { self.actions = actions }

  /// The actions of `packages`, given in request order.
  public init(packages: [PackageVersion]) {
    let ordered = packages.enumerated().sorted { left, right in
      left.element.priority != right.element.priority
        ? left.element.priority < right.element.priority : left.offset < right.offset
    }.map(\.element)
    var actions: [Action] = []
    for package in ordered {
      for change in package.variables {
        if !change.prepend.isEmpty {
          actions.append(
            Action(
              kind: .prepend, variable: change.name, value: change.prepend.joined(separator: ":"),
              package: package.name))
        }
        if !change.append.isEmpty {
          actions.append(
            Action(
              kind: .append, variable: change.name, value: change.append.joined(separator: ":"),
              package: package.name))
        }
        if let values = change.set {
          actions.append(
            Action(
              kind: .set, variable: change.name, value: values.joined(separator: ":"),
              package: package.name))
        }
      }
    }
    self.actions = actions
  }

  /// The full environment after applying every action to `base`.
  public func applied(to base: [String: String]) -> [String: String] {
    var environment = base
    for action in actions {
      let joined: String
      switch (action.kind, environment[action.variable]) {
      case (.set, _), (_, nil): joined = action.value
      case (.prepend, let existing?): joined = action.value + ":" + existing
      case (.append, let existing?): joined = existing + ":" + action.value
      }
      environment[action.variable] = EnvironmentActions.expand(joined, in: environment)
    }
    return environment
  }

  /// Replaces `$NAME` and `${NAME}` with their values in `environment`, or nothing.
  public static func expand(_ text: String, in environment: [String: String]) -> String {
    let bytes = Array(text.utf8)
    guard bytes.contains(UInt8(ascii: "$")) else { return text }
    var result: [UInt8] = []
    var index = 0
    func isNameStart(_ byte: UInt8) -> Bool {
      (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
    }
    func isName(_ byte: UInt8) -> Bool { isNameStart(byte) || (byte >= 48 && byte <= 57) }
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "$"), index + 1 < bytes.count else {
        result.append(byte)
        index += 1
        continue
      }
      var start = index + 1
      let braced = bytes[start] == UInt8(ascii: "{")
      if braced { start += 1 }
      var end = start
      if end < bytes.count && isNameStart(bytes[end]) {
        while end < bytes.count && isName(bytes[end]) { end += 1 }
      }
      let closed = !braced || (end < bytes.count && bytes[end] == UInt8(ascii: "}"))
      guard end > start, closed else {
        result.append(byte)
        index += 1
        continue
      }
      let name = String(decoding: bytes[start..<end], as: UTF8.self)
      result.append(contentsOf: (environment[name] ?? "").utf8)
      index = braced ? end + 1 : end
    }
    return String(decoding: result, as: UTF8.self)
  }
}
