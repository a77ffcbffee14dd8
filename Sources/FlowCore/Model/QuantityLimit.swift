/// The upper bound of each kind of number a workflow or pipe document states. Every
/// reader refuses a number past its bound with the field, the value and the bound, so
/// the planner and the runners can do arithmetic on any value they are given (a sum over
/// a million stages at the bound stays exact in a `Double` and far from `Int64.max`).
public enum QuantityLimit: Sendable, CaseIterable {
  case cpu, memory, gpu, counter, seconds, order

  /// A million CPUs.
  public static let maximumCPUs = 1_000_000.0
  /// 2^50 bytes, one pebibyte.
  public static let maximumMemory: Int64 = 1 << 50
  public static let maximumGPUs: Int64 = 4096
  /// A named counter's amount, such as licences.
  public static let maximumCounter: Int64 = 1_000_000_000
  /// Durations, timeouts and plan times: ten years of 365 days.
  public static let maximumSeconds = 3650 * 86400.0
  /// A plan's run order position.
  public static let maximumOrder: Int64 = 1_000_000_000

  /// The largest value allowed.
  public var maximum: Double {
    switch self {
    case .cpu: Self.maximumCPUs
    case .memory: Double(Self.maximumMemory)
    case .gpu: Double(Self.maximumGPUs)
    case .counter: Double(Self.maximumCounter)
    case .seconds: Self.maximumSeconds
    case .order: Double(Self.maximumOrder)
    }
  }

  /// The unit the bound is told in.
  var unit: String {
    switch self {
    case .cpu: "cpus"
    case .memory: "bytes"
    case .gpu: "gpus"
    case .counter: ""
    case .seconds: "seconds"
    case .order: ""
    }
  }

  /// Why a value is out of bounds (negative, not finite or past the maximum), if it is;
  /// `field` names it in the message (`cpu`, `timeout`, `counter 'licence'`).
  public func problem(with value: Double, field: String) -> String? {
    guard !value.isNaN, value >= 0 else {
      return "\(field) must be a number 0 or more, not \(Self.text(value))"
    }
    guard value <= maximum else {
      let unit = self.unit.isEmpty ? "" : " " + self.unit
      return "\(field) \(Self.text(value)) is more than the limit of \(Self.text(maximum))\(unit)"
    }
    return nil
  }

  public func problem(with value: Int64, field: String) -> String? {
    problem(with: Double(value), field: field)
  }

  /// A number as people write it: whole numbers without a fraction.
  static func text(_ value: Double) -> String {
    if value.rounded() == value, abs(value) <= 9e18 { return String(Int64(value)) }
    return String(value)
  }
}
