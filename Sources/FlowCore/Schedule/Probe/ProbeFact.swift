/// One thing the probe found out, and where it came from (a file, a variable, a
/// system call or a program), so a surprising number can be traced.
public struct ProbeFact<Value: Sendable & Equatable>: Sendable, Equatable {
  public var value: Value
  public var source: String

  public init(_ value: Value, from source: String) {
    self.value = value
    self.source = source
  }
}
