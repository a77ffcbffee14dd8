import Glibc

/// flow-exec's section of the lock: each image's digest as the engine reports it, and the
/// facts of this machine that shaped the plan (its GPUs' model and NVIDIA driver), asked
/// for only when a stage may run on a GPU.
public struct RunLock: Sendable, Equatable {
  public var images: [String: String] = [:]
  public var probe: [String: String] = [:]
  /// Every image a stage of the workflow names, run now or not: the lock keeps the digests
  /// of these alone.
  public var imagesInUse: Set<String> = []

  public init(images: [String: String] = [:], probe: [String: String] = [:]) {
    self.images = images
    self.probe = probe
  }

  /// The facts for the stages at `selected` of `workflow`: the digest of each image with
  /// `engine`, from the run's `inspections` (never pulled: an image the engine does not hold
  /// is `LockFile.imageNotLocal`), and the GPU facts of `machine` when a stage may use a GPU.
  public static func observe(
    _ workflow: Workflow, selected: [Int], engine: ContainerEngine?, machine: MachineDescription,
    environment: EnvironmentMap, inspections: ImageInspections
  ) -> RunLock {
    var lock = RunLock()
    lock.imagesInUse = Set(workflow.stages.compactMap(\.environment.image))
    var mayUseGPU = false
    for index in selected {
      let stage = workflow.stages[index]
      let resources = stage.environment.resources
      if (resources.processOn ?? .cpu) != .cpu || (resources.gpu ?? 0) > 0
        || (resources.gpuFraction ?? 0) > 0
      {
        mayUseGPU = true
      }
      guard let image = stage.environment.image, lock.images[image] == nil else { continue }
      lock.images[image] =
        engine.flatMap { digest(of: image, engine: $0, inspections: inspections) }
        ?? LockFile.imageNotLocal
    }
    if mayUseGPU {
      let probe = MachineProbe(environment: environment, queriesTools: true)
      // The model comes from nvidia-smi or rocm-smi, which a plan without GPU memory skips.
      let gpus = machine.gpus.contains { $0.name == nil } ? probe.probe().gpus : machine.gpus
      let driver = NvidiaDriver(files: probe.files)
      var counts: [String: Int] = [:]
      for gpu in gpus { counts[gpu.name ?? gpu.vendor.rawValue, default: 0] += 1 }
      lock.probe["gpu"] =
        counts.isEmpty
        ? "none" : counts.keys.sorted().map { "\(counts[$0]!) × \($0)" }.joined(separator: ", ")
      lock.probe["driver"] = driver?.version ?? "none"
    }
    return lock
  }

  /// The image's digest as `engine` holds it: the registry digest it was pulled by, else
  /// its local id; for apptainer, the digest of a local image file. nil when not local.
  public static func digest(
    of image: String, engine: ContainerEngine, inspections: ImageInspections
  )
    -> String?
  {
    switch engine {
    case .apptainer:
      guard image.hasPrefix("/") || image.hasPrefix("."), InputFile.isRegularFile(image) else {
        return nil
      }
      return SHA256.file(image).map { "sha256:" + $0 }
    case .podman, .docker:
      guard case .document(let document) = inspections.answer(engine: engine, image: image)
      else { return nil }
      return digest(inInspection: document)
    }
  }

  /// The digest in an `image inspect` document's first image: its first repository digest
  /// (`RepoDigests`, `repo@sha256:…`), else its id.
  static func digest(inInspection document: JSONValue) -> String? {
    guard let image = ImageInspections.firstImage(in: document) else { return nil }
    let repositoryDigests = image["RepoDigests"]?.arrayValue ?? []
    if let first = repositoryDigests.first?.stringValue, let at = first.lastIndex(of: "@") {
      return String(first[first.index(after: at)...])
    }
    guard let id = image["Id"]?.stringValue, !id.isEmpty else { return nil }
    return id.hasPrefix("sha256:") ? id : "sha256:" + id
  }

  /// The images section after this run: the digests observed now, and those locked
  /// before of images the workflow still names.
  public func images(keeping lockedImages: [String: String]) -> [String: String] {
    lockedImages.filter { imagesInUse.contains($0.key) }.merging(images) { $1 }
  }

  /// What differs from `images` and `probe` as locked, one line per change: the images and
  /// facts observed now, and each image locked that no stage names any more.
  public func changes(images lockedImages: [String: String], probe lockedProbe: [String: String])
    -> [String]
  {
    var lines: [String] = []
    for image in lockedImages.keys.sorted() where !imagesInUse.contains(image) {
      lines.append("image \(image): no longer used")
    }
    for image in images.keys.sorted() where lockedImages[image] != images[image] {
      lines.append(
        "image \(image): \(lockedImages[image] ?? "not in \(LockFile.name)") → \(images[image]!)")
    }
    for fact in probe.keys.sorted() where lockedProbe[fact] != probe[fact] {
      lines.append("\(fact): \(lockedProbe[fact] ?? "not in \(LockFile.name)") → \(probe[fact]!)")
    }
    return lines
  }
}
