/// How often a stage is tried and after which failures: `retry: {attempts: 3, on: [oom,
/// timeout, lost], memory_factor: 2, time_factor: 1.5}`. Each retry multiplies the memory
/// and the time limit of the attempt before by their factors.
public struct RetryPolicy: Sendable, Hashable {
  /// Attempts in all, the first included: 1 never retries.
  public var attempts: Int
  /// The failure classes that earn another attempt.
  public var on: [FailureClass]
  public var memoryFactor: Double
  public var timeFactor: Double

  /// The classes retried when `on` is not given: those the stage itself cannot cause.
  public static let defaultClasses: [FailureClass] = [.oom, .timeout, .lost]
  /// The most attempts a policy may ask for.
  public static let maximumAttempts = 100
  /// The largest factor a policy may give.
  public static let maximumFactor = 100.0

  public init(
    attempts: Int, on: [FailureClass] = RetryPolicy.defaultClasses, memoryFactor: Double = 1,
    timeFactor: Double = 1
  ) {
    self.attempts = attempts
    self.on = on
    self.memoryFactor = memoryFactor
    self.timeFactor = timeFactor
  }
}
