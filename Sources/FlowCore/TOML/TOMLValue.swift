/// A TOML value. Dates and times keep the text they were written as.
public enum TOMLValue: Hashable, Sendable {
  case string(String)
  case integer(Int)
  case float(Double)
  case boolean(Bool)
  case offsetDateTime(String)
  case localDateTime(String)
  case localDate(String)
  case localTime(String)
  case array([TOMLValue])
  case table(TOMLTable)

  public var table: TOMLTable? {
    if case .table(let table) = self { return table }
    return nil
  }
}
