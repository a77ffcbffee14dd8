/// Who made a GPU; decides which visibility variable selects it.
public enum GPUVendor: String, Sendable, Equatable, CaseIterable {
  case nvidia
  case amd

  /// The variable a process reads to know which of these GPUs it may use.
  public var visibilityVariable: String {
    switch self {
    case .nvidia: return "CUDA_VISIBLE_DEVICES"
    case .amd: return "ROCR_VISIBLE_DEVICES"
    }
  }
}

/// A GPU (or a MIG slice of one) that stages can be given.
public struct GPUDevice: Sendable, Equatable {
  public var vendor: GPUVendor
  /// What to put in the vendor's visibility variable to select this device: the
  /// machine-wide index, a `GPU-` UUID or a `MIG-` id.
  public var id: String
  /// The device's index among all GPUs of its vendor the kernel shows, in PCI order.
  public var hardwareIndex: Int
  public var uuid: String?
  public var name: String?
  public var memoryBytes: Int64?
  public var pciBusID: String?
  /// Set for a MIG instance: the UUID of the GPU it is carved from.
  public var migParent: String?
  /// The kernel's device minor (`/dev/nvidia3`, `renderD131`), when known.
  public var minor: Int?
  /// Where each of the facts above came from.
  public var sources: [String]
  /// The device files a process opens to use this GPU (`/dev/nvidia0`, its parent GPU's
  /// for a MIG instance, `/dev/dri/renderD128` or `/dev/kfd`), as this process finds them:
  /// below the probe's root, so a fixture tree can stand in for `/dev`.
  public var deviceNodes: [String] = []

  public init(
    vendor: GPUVendor, id: String, hardwareIndex: Int, uuid: String? = nil, name: String? = nil,
    memoryBytes: Int64? = nil, pciBusID: String? = nil, migParent: String? = nil,
    sources: [String]
  ) {
    self.vendor = vendor
    self.id = id
    self.hardwareIndex = hardwareIndex
    self.uuid = uuid
    self.name = name
    self.memoryBytes = memoryBytes
    self.pciBusID = pciBusID
    self.migParent = migParent
    self.sources = sources
  }
}
