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

extension StageDemand {
  /// Whole GPUs to ask a cluster for: a stage holding a share asks one.
  public var wholeGPUs: Int {
    gpu > 0 ? gpu : (gpuFraction > 0 || gpuMemory > 0 ? 1 : 0)
  }

  /// This demand on the GPUs its plan gave it, as the local runner holds it: with one GPU,
  /// the share of that device (`GPUShare.held`, memory over the smallest GPU's) and no
  /// whole GPU; otherwise (no GPU, several, a GPU whose memory is unknown) no share, only
  /// the whole GPUs given. Unchanged for a stage without a share.
  mutating func holdShare(of capacity: PlanCapacity, gpus: [String]) {
    guard gpuFraction > 0 || gpuMemory > 0 else { return }
    var fraction: Double? = gpuFraction > 0 ? gpuFraction : nil
    if fraction == nil {
      let sizes = capacity.gpuIDs.map { capacity.gpuMemory[$0] }
      if let smallest = sizes.compactMap({ $0 }).min(), sizes.allSatisfy({ $0 != nil }) {
        fraction = min(1, Double(gpuMemory) / Double(smallest))
      }
    }
    gpuMemory = 0
    guard let fraction, gpus.count == 1, gpu <= 1 else {
      gpuFraction = 0
      return
    }
    gpu = 0
    gpuFraction = GPUShare.held(fraction: fraction)
  }
}

extension Workflow {
  /// Whether a stage shares a GPU by memory, so the probe must learn each GPU's memory
  /// from `nvidia-smi`, which it otherwise may skip.
  public var asksForGPUMemory: Bool {
    stages.contains { ($0.environment.resources.gpuMemory ?? 0) > 0 }
  }
}
