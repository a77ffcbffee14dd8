/// One failed attempt of a stage, kept for the events and the summary.
public struct StageAttempt: Sendable, Equatable {
  /// 1 for the first attempt.
  public var number: Int
  public var failure: FailureClass
  public var status: Int32
  /// The memory limit the attempt had, in bytes (0: none).
  public var memory: Int64
  /// The time limit the attempt had, in seconds.
  public var timeout: Double?
  public var seconds: Double

  public init(
    number: Int, failure: FailureClass, status: Int32, memory: Int64, timeout: Double?,
    seconds: Double
  ) {
    self.number = number
    self.failure = failure
    self.status = status
    self.memory = memory
    self.timeout = timeout
    self.seconds = seconds
  }
}

/// Whether a stage's failed attempt is tried again and with which limits: the one place
/// every runner asks, so that retries are the same on every executor. The memory grows
/// by the policy's factor after an `oom`, the time limit after a `timeout` (another class
/// keeps both), each up to what the executor offers.
public struct RetryDecision: Sendable, Equatable {
  /// The number of the next attempt (2 for the first retry).
  public var attempt: Int
  /// Bytes; 0: no limit.
  public var memory: Int64
  public var timeout: Double?

  public init(attempt: Int, memory: Int64, timeout: Double?) {
    self.attempt = attempt
    self.memory = memory
    self.timeout = timeout
  }

  /// The next attempt after `failed`, or nil when the policy allows none.
  /// - Parameters:
  ///   - memoryCeiling: the most memory the executor offers one stage, if known.
  ///   - timeCeiling: the longest time limit the executor allows, if known.
  public static func after(
    _ failed: StageAttempt, policy: RetryPolicy?, memoryCeiling: Int64? = nil,
    timeCeiling: Double? = nil
  ) -> RetryDecision? {
    guard let policy, failed.number < policy.attempts, policy.on.contains(failed.failure) else {
      return nil
    }
    var memory = failed.memory
    if failed.failure == .oom, memory > 0 {
      let grown = (Double(memory) * policy.memoryFactor).rounded(.up)
      memory = grown >= Double(Int64.max) ? Int64.max : Int64(grown)
      if let memoryCeiling, memoryCeiling > 0 {
        memory = max(failed.memory, min(memory, memoryCeiling))
      }
    }
    var timeout = failed.timeout
    if failed.failure == .timeout, let limit = timeout {
      var grown = limit * policy.timeFactor
      if let timeCeiling { grown = max(limit, min(grown, timeCeiling)) }
      timeout = min(grown, QuantityLimit.maximumSeconds)
    }
    return RetryDecision(attempt: failed.number + 1, memory: memory, timeout: timeout)
  }
}

extension StageLaunch {
  /// The stage as its next attempt runs on a cluster: with the memory and time limits of
  /// `limits` (its retry), the container's memory limit in its argv included; itself when nil.
  public func limited(by limits: RetryDecision?) -> StageLaunch {
    guard let limits else { return self }
    var stage = self
    stage.demand.memory = limits.memory
    stage.timeout = limits.timeout
    if let resized = commandWithMemory {
      stage.command = { gpus in resized(gpus, limits.memory) }
    }
    return stage
  }
}
