/// Seconds written for people: whole numbers plainly, others to a millisecond.
enum Seconds {
  static func describe(_ value: Double) -> String {
    let rounded = (value * 1000).rounded() / 1000
    if rounded.rounded() == rounded, abs(rounded) < 1e15 { return String(Int64(rounded)) }
    return String(rounded)
  }

  /// A fraction as a percentage with one decimal: `2.5%`.
  static func percent(_ fraction: Double) -> String {
    let tenths = (fraction * 1000).rounded() / 10
    return (tenths.rounded() == tenths ? String(Int64(tenths)) : String(tenths)) + "%"
  }
}
