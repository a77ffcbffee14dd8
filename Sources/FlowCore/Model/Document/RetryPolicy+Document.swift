extension RetryPolicy {
  /// `{"attempts": 3, "on": ["oom", "timeout", "lost"], "memory_factor": 2, "time_factor": 1.5}`.
  public var document: JSONValue {
    .object(
      JSONObject([
        ("attempts", .integer(Int64(attempts))),
        ("on", .array(on.map { .string($0.rawValue) })),
        ("memory_factor", JSONValue(seconds: memoryFactor)),
        ("time_factor", JSONValue(seconds: timeFactor)),
      ]))
  }
}

extension DocumentReader {
  func retry(_ value: JSONValue, _ path: String) throws(DocumentError) -> RetryPolicy {
    let object = try object(value, path)
    for key in object.keys where !WorkflowReader.retryKeys.contains(key) {
      throw fail(path + "." + key, "unknown field of 'retry'")
    }
    let limit = RetryPolicy.maximumAttempts
    guard let attempts = object["attempts"]?.integerValue, (1...Int64(limit)).contains(attempts)
    else {
      throw fail(path + ".attempts", "expected a whole number from 1 to \(limit)")
    }
    var policy = RetryPolicy(attempts: Int(attempts))
    if let on = object["on"] {
      policy.on = try array(on, path + ".on").enumerated().map {
        (index, item) throws(DocumentError) in
        guard let failure = item.stringValue.flatMap(FailureClass.init(rawValue:)) else {
          let names = FailureClass.allCases.map(\.rawValue).joined(separator: ", ")
          throw fail(path + ".on[\(index)]", "expected a failure class: \(names)")
        }
        return failure
      }
    }
    for name in ["memory_factor", "time_factor"] {
      guard let factor = try optionalNumber(object[name], path + "." + name) else { continue }
      guard factor >= 1, factor <= RetryPolicy.maximumFactor else {
        throw fail(
          path + "." + name, "expected a number from 1 to \(Int(RetryPolicy.maximumFactor))")
      }
      if name == "memory_factor" {
        policy.memoryFactor = factor
      } else {
        policy.timeFactor = factor
      }
    }
    return policy
  }
}
