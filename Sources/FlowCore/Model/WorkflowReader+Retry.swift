extension WorkflowReader {
  static let retryKeys = ["attempts", "on", "memory_factor", "time_factor"]

  /// A stage's or the global `retry` block: `{attempts: 3, on: [oom, timeout, lost],
  /// memory_factor: 2, time_factor: 1.5}`; `null` reads as no retries.
  mutating func readRetry(_ node: YAMLNode) -> RetryPolicy? {
    if node.scalar?.isNull ?? false { return RetryPolicy(attempts: 1) }
    guard let pairs = mapping(node, "'retry'") else { return nil }
    var policy = RetryPolicy(attempts: 1)
    var valid = true
    var attemptsGiven = false
    for (key, value) in pairs {
      let name = key.scalar?.text ?? ""
      switch name {
      case "attempts":
        attemptsGiven = true
        let limit = RetryPolicy.maximumAttempts
        guard let scalar = value.scalar, let count = scalar.integerValue,
          (1...Int64(limit)).contains(count)
        else {
          report(
            value,
            "'attempts' must be a whole number from 1 to \(limit) (the first attempt included), not \(Self.shown(value))"
          )
          valid = false
          continue
        }
        policy.attempts = Int(count)
      case "on":
        guard let classes = readFailureClasses(value) else {
          valid = false
          continue
        }
        policy.on = classes
      case "memory_factor", "time_factor":
        let limit = RetryPolicy.maximumFactor
        guard let scalar = value.scalar, !scalar.isNull, let factor = scalar.floatValue,
          factor >= 1, factor <= limit
        else {
          report(
            value,
            "'\(name)' must be a number from 1 to \(Int(limit)), like 2 or 1.5, not \(Self.shown(value))"
          )
          valid = false
          continue
        }
        if name == "memory_factor" {
          policy.memoryFactor = factor
        } else {
          policy.timeFactor = factor
        }
      default:
        reportUnknownKey(key, in: "'retry'", allowed: Self.retryKeys)
        valid = false
      }
    }
    if !attemptsGiven && valid {
      report(node, "'retry' needs 'attempts': how many times the stage is tried in all, like 3")
      return nil
    }
    return valid ? policy : nil
  }

  /// A failure class or a list of them.
  private mutating func readFailureClasses(_ node: YAMLNode) -> [FailureClass]? {
    let items = node.sequence ?? (node.scalar.map { _ in [node] } ?? [])
    guard !items.isEmpty || node.sequence != nil else {
      report(node, "'on' must be a list of failure classes, not \(node.kindDescription)")
      return nil
    }
    var classes: [FailureClass] = []
    let names = FailureClass.allCases.map(\.rawValue)
    for item in items {
      guard let text = item.scalar?.text, let failure = FailureClass(rawValue: text) else {
        let text = item.scalar?.text ?? item.kindDescription
        report(
          item,
          "unknown failure class '\(text)'\(Suggestion.hint(for: text, among: names)); expected "
            + names.joined(separator: ", "))
        return nil
      }
      if !classes.contains(failure) { classes.append(failure) }
    }
    return classes
  }

  private static func shown(_ node: YAMLNode) -> String {
    guard let scalar = node.scalar, !scalar.isNull else { return node.kindDescription }
    return "'\(scalar.text)'"
  }
}
