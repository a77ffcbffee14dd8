extension PlanCapacity {
  /// Reads a named counter's capacity as given on a command line, `NAME=N`: a non-empty
  /// name and a whole, non-negative amount. Nil when the text is not of that form.
  public static func counterAssignment(_ text: String) -> (name: String, amount: Int64)? {
    let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, let amount = Int64(parts[1]), amount >= 0 else {
      return nil
    }
    return (String(parts[0]), amount)
  }
}
