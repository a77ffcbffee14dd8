/// A stage's share of one GPU: `gpu: 0.25`, or `gpu_memory: 20Gi` turned into the part of
/// a device's memory it asks. Stages with shares are packed together on one device; a
/// share is never rounded down to no GPU.
public enum GPUShare {
  /// A fraction written for `gpu`: a number above 0 and below 1, or nil.
  public static func fraction(_ text: String) -> Double? {
    guard let value = Double(text.trimmedString), value.isFinite, value > 0, value < 1 else {
      return nil
    }
    return value
  }

  /// The share a stage holds of a device: the fraction asked (or memory over the device's
  /// memory) raised to the next 1/k, so that stages of one size always fit side by side
  /// on the devices whenever their sum fits (three of 0.3 hold 0.333 each).
  public static func held(fraction: Double) -> Double {
    guard fraction > 0, fraction < 1 else { return fraction }
    let slots = (1 / fraction + 1e-9).rounded(.down)
    return 1 / max(1, slots)
  }

  /// Two amounts of GPU this close are one.
  static let tolerance = 1e-9
}

extension Resources {
  /// `gpu` as the pipe document writes it: whole GPUs, or the share of one.
  var gpuDocument: JSONValue {
    if let gpuFraction, gpuFraction > 0, (gpu ?? 0) == 0 { return .number(gpuFraction) }
    return .integer(Int64(gpu ?? 0))
  }

  /// `gpu_memory`, only when a stage asks for it.
  var gpuMemoryDocument: JSONObject {
    guard let gpuMemory, gpuMemory > 0 else { return JSONObject() }
    return JSONObject([("gpu_memory", .integer(gpuMemory))])
  }
}
