/// Values kept by number as each is first read, for the numbers of an index's table: a slot
/// per number (0 before, else one more than the value's place among those kept), so that a
/// table of thousands of numbers costs one array of zeros, where an optional value per
/// number was written one by one in every resolve, however few it reads.
struct NumberedValues<Value> {
  private var slots: [Int32]
  private var values: [Value] = []

  /// A table for the numbers below `count`, none kept.
  init(count: Int) {
    slots = Array(repeating: 0, count: count)
  }

  /// Whether `number` is one of the table's.
  func contains(_ number: Int) -> Bool { slots.indices.contains(number) }

  /// The value kept for `number`, one of the table's; nil before one is.
  subscript(number: Int) -> Value? {
    let slot = Int(slots[number])
    return slot > 0 ? values[slot - 1] : nil
  }

  /// `body` of the value kept for `number`, one of the table's, read where it is kept;
  /// nil before one is kept.
  func reading<Result>(_ number: Int, _ body: (Value) -> Result) -> Result? {
    let slot = Int(slots[number])
    return slot > 0 ? body(values[slot - 1]) : nil
  }

  /// Whether a value is kept for `number`, one of the table's.
  func isKept(_ number: Int) -> Bool { slots[number] > 0 }

  /// Keeps `value` for `number`, one of the table's with none kept yet.
  mutating func keep(_ value: Value, for number: Int) {
    values.append(value)
    slots[number] = Int32(values.count)
  }
}
