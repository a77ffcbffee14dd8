extension Unicode.Scalar {
  /// A C0 control character or DEL: what no name or path flow writes into a script, a
  /// Makefile or an engine's option may carry.
  public var isControl: Bool { value < 0x20 || value == 0x7f }
}
