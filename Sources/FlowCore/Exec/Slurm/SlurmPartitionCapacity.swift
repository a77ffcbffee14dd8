/// The nodes of a Slurm cluster as `sinfo` reports them (`--Node`, one line per node and
/// partition: name, partition with `*` on the default one, CPUs, memory in MiB, GRES), so
/// a stage that fits no node of its partition is refused before anything is submitted,
/// with the numbers, instead of waiting in the queue or failing at `sbatch`.
public struct SlurmPartitionCapacity: Sendable, Equatable {
  public struct Node: Sendable, Equatable {
    public var name: String
    public var partition: String
    public var isDefault: Bool
    public var cpus: Int
    /// MiB, as Slurm counts memory.
    public var memory: Int64
    public var gpus: Int
  }

  public var nodes: [Node]

  /// The `sinfo` argv whose output `init(sinfo:)` reads.
  public static let sinfoArgv = ["sinfo", "--noheader", "--Node", "--format=%N|%P|%c|%m|%G"]

  /// Reads `sinfo --noheader --Node --format=%N|%P|%c|%m|%G`: `node1|debug*|2|2000|gpu:2`.
  /// GRES may be `(null)`, `gpu:2`, `gpu:a100:4(S:0-1)` or several, comma-separated.
  public init(sinfo output: String) {
    nodes = output.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map {
        $0.trimmedString
      }
      guard fields.count == 5, let cpus = Int(fields[2]) else { return nil }
      let isDefault = fields[1].hasSuffix("*")
      return Node(
        name: fields[0], partition: isDefault ? String(fields[1].dropLast()) : fields[1],
        isDefault: isDefault, cpus: cpus, memory: Int64(fields[3].filter(\.isNumber)) ?? 0,
        gpus: Self.gpus(gres: fields[4]))
    }
  }

  /// The GPUs in a GRES list: the count after the last `:` of each `gpu` entry.
  static func gpus(gres: String) -> Int {
    var total = 0
    var depth = 0
    var entry = ""
    // Commas inside parentheses (`(S:0-1)`) do not separate entries.
    for character in gres + "," {
      switch character {
      case "(": depth += 1
      case ")": depth -= 1
      case "," where depth == 0:
        let parts = entry.split(separator: ":")
        if parts.first == "gpu", parts.count >= 2, let count = Int(parts.last!) { total += count }
        entry = ""
      default: if depth == 0 { entry.append(character) }
      }
    }
    return total
  }

  /// Why `stage` fits no node of `partition` (the default one when nil), or nil when it
  /// fits one, or when Slurm reports no node of that partition (sbatch then says why).
  public func refusal(_ stage: StageLaunch, partition: String?) -> String? {
    let candidates = nodes.filter { node in
      partition.map { node.partition == $0 } ?? node.isDefault
    }
    guard !candidates.isEmpty else { return nil }
    let cpus = SlurmSubmission.cpus(stage.demand.cpu)
    let memory = SlurmSubmission.mebibytes(stage.demand.memory)
    let fits = candidates.contains { node in
      node.cpus >= cpus && node.memory >= memory && node.gpus >= stage.demand.gpu
    }
    guard !fits else { return nil }
    let name = candidates[0].partition
    let offered = candidates.map { node in
      "\(node.name): \(node.cpus) cpu, \(node.memory) MiB, \(node.gpus) gpu"
    }
    return "it needs \(cpus) cpu, \(memory) MiB and \(stage.demand.gpu) gpu, which no node of"
      + " Slurm partition '\(name)' has (\(offered.joined(separator: "; ")))"
  }
}

extension SlurmPartitionCapacity {
  /// Refuses the first Slurm stage among `launches` that fits no node of its partition, as
  /// `sinfo` reports the cluster; nothing when sinfo cannot say (sbatch decides then).
  public static func check(
    _ launches: [StageLaunch], placement: SlurmSubmission.Placement, slurm: SlurmCommand
  ) throws(ExecError) {
    let onSlurm = launches.filter { $0.executor == .slurm }
    guard !onSlurm.isEmpty else { return }
    let listing = slurm.run(sinfoArgv)
    guard listing.status == 0 else { return }
    let capacity = SlurmPartitionCapacity(sinfo: listing.output)
    for stage in onSlurm {
      let partition = placement.over(extraData: stage.extraData).partition
      if let reason = capacity.refusal(stage, partition: partition) {
        throw .refused(stage: stage.name, reason: reason)
      }
    }
  }
}
