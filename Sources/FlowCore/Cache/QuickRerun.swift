import Glibc

/// What a run that left every stage cached or recorded knew, kept beside the workflow
/// (`.flow/quick-rerun-NAME`) so that the next run with nothing changed is told from it in
/// one pass: no workflow read, no stage prepared, no record read, one `stat` per file.
///
/// It holds when everything a full run would look at is as it was: the same flow-exec (its
/// file's stamp), arguments, current folder and environment; the workflow file and the
/// other files the run read (variable files, a duration history, a lock beside the
/// workflow: each stamped before it was read) and the cache's folder and logs (as the run
/// left them) under the same stamps; the same CPUs, GPU ids and counters (and memory, when
/// a stage asks for some); and each stage's declared inputs and outputs under the stamps
/// its record holds. A full run would then find every stage cached under the key it had: the
/// launches kept here run instead, each `cached`, and the events, summary and run folder
/// are the ones a full run writes. Anything else, or a damaged or foreign file, and the run
/// takes the full way, which writes it anew.
///
/// Kept only for runs whose stages all run on this machine, without an image, a GPU, a lock,
/// a glob among their inputs or a test of a path among their actions: what decides such a
/// stage's key is the files it stamps and the environment alone. Packages are resolved
/// before it is written, so a catalogue is among the files only through the pipe document
/// that holds the resolution.
public struct QuickRerun: Sendable {
  /// One launch as the run's report and its folder need it for a cached stage (one that
  /// never starts has no command, log to follow or time left to show).
  public struct Stage: Sendable, Equatable {
    public var name: String
    public var needs: [Int]
    public var priority: Int
    public var demand: StageDemand
    public var timeout: Double?
    public var planned: Planned?
    /// Its declared inputs then outputs, as places in `files`.
    public var files: [Int]
    /// Its key in the run that kept it (`StageCacheKey`).
    public var key: String

    public struct Planned: Sendable, Equatable {
      public var start: Double
      public var seconds: Double
    }
  }

  /// A declared file as the records hold it (`FileDigests.Look`), by its path relative to
  /// the workflow folder.
  public struct File: Sendable, Equatable {
    public var path: String
    public var look: FileDigests.Look
  }

  /// The digest of what the run depended on besides the stages' files (`context`).
  public var context: String
  /// The files besides the stages' whose stamps are in `context`, in its order.
  public var watched: [String]
  /// What preparing the run told people, said again.
  public var notes: [String]
  /// Every file the stages declare, once.
  public var files: [File]
  public var stages: [Stage]

  static let formatLine = Array("flow quick-rerun 2\n".utf8)

  /// Where the workflow file `file` (absolute) keeps it: beside it, under its name.
  public static func path(of file: String) -> String {
    let name = file.lastIndex(of: "/").map { file[file.index(after: $0)...] } ?? file[...]
    return PathText.directory(of: file) + "/.flow/quick-rerun-" + SafeName.of(String(name))
  }

  /// The stamp of each of `paths` now (nil: none there), for `context`. A file the run
  /// reads is stamped before it is read: changed while the run goes, it no longer matches.
  public static func stamps(_ paths: [String]) -> [(path: String, stamp: FileStamp?)] {
    paths.map { ($0, FileStamp(path: $0)) }
  }

  /// What the run depends on besides its stages' files, as one digest: flow-exec's own
  /// file, `arguments`, the current folder, `environment`, `capacity` (its memory only
  /// when `countsMemory`) and the `watched` files' stamps.
  public static func context(
    arguments: [String], environment: EnvironmentMap, capacity: PlanCapacity,
    countsMemory: Bool, watched: [(path: String, stamp: FileStamp?)]
  ) -> String {
    var text = Encoder()
    text.add(stamp: FileStamp(path: "/proc/self/exe"))
    text.add(PathText.currentDirectory)
    text.add(arguments)
    let variables = environment.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    text.add(variables.count)
    for (name, value) in variables { text.add([name, value]) }
    text.add(capacity.cpu)
    text.add(signed: countsMemory ? capacity.memory : -1)
    text.add(capacity.gpuIDs)
    text.add(counters: capacity.counters)
    text.add(watched.count)
    for (path, stamp) in watched {
      text.add(path)
      text.add(stamp: stamp)
    }
    var hasher = SHA256()
    hasher.add(text.bytes)
    return hasher.finish()
  }

  /// Whether some stage asks for memory, so that the machine's memory can change its plan.
  public var countsMemory: Bool { stages.contains { $0.demand.memory > 0 } }

  /// The stages found unchanged, looked at from `folder`: each whose declared files are as
  /// its record holds them and whose needs are all unchanged. With the context unchanged
  /// (`watched`: the watched files' stamps it was found with), a full run would find each of
  /// them cached under the key it had.
  public func unchanged(folder: String, watched: [(path: String, stamp: FileStamp?)])
    -> Unchanged
  {
    let holds = files.map { FileDigests.look(at: folder + "/" + $0.path) == $0.look }
    var stageHolds = stages.map { $0.files.allSatisfy { holds[$0] } }
    guard stageHolds.contains(false) else {
      return Unchanged(run: self, stages: stageHolds, all: true, watched: watched)
    }
    // What needs a changed stage changed too, and what needs that, whatever their order.
    var dependants = Array(repeating: [Int](), count: stages.count)
    for (index, stage) in stages.enumerated() {
      for need in stage.needs { dependants[need].append(index) }
    }
    var changed = stageHolds.indices.filter { !stageHolds[$0] }
    while let index = changed.popLast() {
      for dependant in dependants[index] where stageHolds[dependant] {
        stageHolds[dependant] = false
        changed.append(dependant)
      }
    }
    return Unchanged(run: self, stages: stageHolds, all: false, watched: watched)
  }

  /// A kept run and which of its stages are unchanged now (`unchanged(folder:watched:)`), in
  /// its order.
  public struct Unchanged: Sendable {
    public var run: QuickRerun
    public var stages: [Bool]
    /// Whether every one is.
    public var all: Bool
    /// The watched files' stamps its context was found with.
    var watched: [(path: String, stamp: FileStamp?)]

    /// Whether what is said of each stage holds for `launches`, as a full run prepared them
    /// from the files stamped in `read` (each before it was read): they are the kept run's
    /// stages in its order, and each of those files was as the context found it.
    public func fits(_ launches: [StageLaunch], read: [(path: String, stamp: FileStamp?)])
      -> Bool
    {
      guard launches.count == run.stages.count,
        zip(launches, run.stages).allSatisfy({ $0.name == $1.name && $0.needs == $1.needs })
      else { return false }
      let found = Dictionary(watched.map { ($0.path, $0.stamp) }) { first, _ in first }
      return read.allSatisfy { path, stamp in found[path].map { $0 == stamp } ?? false }
    }
  }

  /// The launches of a run in which every stage is cached, in the workflow folder `folder`
  /// with their logs in `logDirectory`: they start nothing (their command is `false`, for
  /// a stage the cache would not skip).
  public func launches(folder: String, logDirectory: String) -> [StageLaunch] {
    // Each launch is made in its place: a copy of one cost as much as making it.
    var launches: [StageLaunch] = []
    launches.reserveCapacity(stages.count)
    for index in stages.indices {
      let name = stages[index].name
      launches.append(
        StageLaunch(
          name: name, needs: stages[index].needs, priority: stages[index].priority,
          demand: stages[index].demand, directory: folder,
          logPath: logDirectory + "/" + RunPreparation.logName(name),
          timeout: stages[index].timeout, command: { _ in (["false"], [:]) }))
      if let planned = stages[index].planned {
        launches[index].planned = (planned.start, planned.seconds)
      }
    }
    return launches
  }

  /// The files and stages of `launches` as they are kept, when every one can be: it runs on
  /// this machine in `folder` without an image or GPU, no test of its actions reads files
  /// (`StageCacheEntry.testsFiles`), its inputs name no glob, and
  /// `recorded` (the cache's `filesOfRecords`) holds its record's files and `keys` (the
  /// cache's `keysOfStages`) its key. nil otherwise.
  public static func stages(
    of launches: [StageLaunch], folder: String,
    recorded: [[(path: String, look: FileDigests.Look)]?], keys: [String?]
  ) -> (files: [File], stages: [Stage])? {
    guard recorded.count == launches.count, keys.count == launches.count else { return nil }
    var files: [File] = []
    var place: [String: Int] = [:]
    var stages: [Stage] = []
    stages.reserveCapacity(launches.count)
    for ((launch, recorded), key) in zip(zip(launches, recorded), keys) {
      guard launch.executor == .local, launch.image == nil, launch.container == nil,
        launch.directory == folder, launch.demand.gpu == 0, launch.demand.gpuFraction == 0,
        launch.demand.gpuMemory == 0, launch.gpuDecision == nil, launch.plannedGPUs.isEmpty,
        let entry = launch.cacheEntry, !entry.testsFiles,
        !entry.inputs.contains(where: { FileDigests.isPattern($0, escapes: true) }),
        let recorded, let key
      else { return nil }
      var places: [Int] = []
      for (path, look) in recorded {
        if look == .unreadable { return nil }
        if let known = place[path] {
          // One path, two stamps: a file that changed during the run.
          if files[known].look != look { return nil }
          places.append(known)
        } else {
          place[path] = files.count
          places.append(files.count)
          files.append(File(path: path, look: look))
        }
      }
      stages.append(
        Stage(
          name: launch.name, needs: launch.needs, priority: launch.priority,
          demand: launch.demand, timeout: launch.timeout,
          planned: launch.planned.map { Stage.Planned(start: $0.start, seconds: $0.seconds) },
          files: places, key: key))
    }
    return (files, stages)
  }

  public init(
    context: String, watched: [String], notes: [String], files: [File], stages: [Stage]
  ) {
    self.context = context
    self.watched = watched
    self.notes = notes
    self.files = files
    self.stages = stages
  }

  /// Writes it for the workflow file `file` (absolute), whole or not at all (mode 0600).
  public func write(for file: String) throws(IOError) {
    let folder = PathText.directory(of: file) + "/.flow"
    guard Directories.make(folder) else {
      throw IOError(.failed, path: folder, reason: "cannot create the folder")
    }
    try OutputFile.writeAtomically(
      encoded(), to: Self.path(of: file), newMode: 0o600, durable: false,
      keepingAttributes: false)
  }

  /// Removes the one kept for the workflow file `file`, if any.
  public static func remove(for file: String) {
    unlink(path(of: file))
  }

  /// The one kept for the workflow file `file` (absolute): nil when there is none, or it
  /// is damaged, not this user's, or writable by others.
  public static func read(for file: String) -> QuickRerun? {
    let path = path(of: file)
    // Not left waiting on a FIFO put in its place.
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
      status.st_uid == geteuid(), status.st_mode & 0o022 == 0,
      let bytes = try? InputFile.read(descriptor: descriptor, name: path)
    else { return nil }
    return QuickRerun(decoding: bytes)
  }

  /// The file's bytes: the format line, the fields, then the SHA-256 of all before it.
  func encoded() -> [UInt8] {
    var out = Encoder()
    out.bytes = Self.formatLine
    out.add(context)
    out.add(watched)
    out.add(notes)
    out.add(files.count)
    for file in files {
      out.add(file.path)
      out.add(look: file.look)
    }
    out.add(stages.count)
    for stage in stages {
      out.add(stage.name)
      out.add(stage.needs)
      out.add(signed: Int64(stage.priority))
      out.add(stage.demand.cpu)
      out.add(signed: stage.demand.memory)
      out.add(counters: stage.demand.counters)
      out.add(optional: stage.timeout)
      out.add(optional: stage.planned?.start)
      out.add(optional: stage.planned?.seconds)
      out.add(stage.files)
      out.add(stage.key)
    }
    var hasher = SHA256()
    hasher.add(out.bytes)
    out.bytes += Array(hasher.finish().utf8)
    return out.bytes
  }

  /// Reads `encoded()`'s bytes; nil when they are not whole and intact.
  init?(decoding bytes: [UInt8]) {
    let digestLength = 64
    guard bytes.count > Self.formatLine.count + digestLength,
      bytes.starts(with: Self.formatLine)
    else { return nil }
    let end = bytes.count - digestLength
    var hasher = SHA256()
    bytes.withUnsafeBytes { hasher.add(UnsafeRawBufferPointer(rebasing: $0[..<end])) }
    guard Array(hasher.finish().utf8) == Array(bytes[end...]) else { return nil }
    let decoded: QuickRerun? = bytes.withUnsafeBufferPointer { buffer in
      var input = Decoder(bytes: UnsafeBufferPointer(rebasing: buffer[..<end]))
      input.at = Self.formatLine.count
      guard let context = input.string(), let watched = input.strings(),
        let notes = input.strings(), let fileCount = input.count()
      else { return nil }
      var files: [File] = []
      files.reserveCapacity(fileCount)
      for _ in 0..<fileCount {
        guard let path = input.string(), let look = input.look() else { return nil }
        files.append(File(path: path, look: look))
      }
      guard let count = input.count() else { return nil }
      var stages: [Stage] = []
      stages.reserveCapacity(count)
      for _ in 0..<count {
        guard let name = input.string(), let needs = input.places(below: count),
          let priority = input.signed(), let cpu = input.double(), let memory = input.signed(),
          let counters = input.counters(), let timeout = input.optionalDouble(),
          let start = input.optionalDouble(), let seconds = input.optionalDouble(),
          let places = input.places(below: fileCount), let key = input.string()
        else { return nil }
        let planned = start.flatMap { start in
          seconds.map { Stage.Planned(start: start, seconds: $0) }
        }
        stages.append(
          Stage(
            name: name, needs: needs, priority: Int(priority),
            demand: StageDemand(cpu: cpu, memory: memory, counters: counters),
            timeout: timeout, planned: planned, files: places, key: key))
      }
      guard input.isAtEnd else { return nil }
      return QuickRerun(
        context: context, watched: watched, notes: notes, files: files, stages: stages)
    }
    guard let decoded else { return nil }
    self = decoded
  }
}

/// Fields as bytes: counts and other whole numbers not below 0 as LEB128 (7 bits a byte),
/// others zigzagged first, doubles by their 8 bytes, texts and lists after their length,
/// an optional after a byte that says whether it is there.
private struct Encoder {
  var bytes: [UInt8] = []

  mutating func add(_ value: Int) { add(unsigned: UInt64(value)) }

  mutating func add(unsigned value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  mutating func add(signed value: Int64) {
    add(unsigned: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
  }

  mutating func add(_ value: Double) {
    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func add(_ text: String) {
    add(text.utf8.count)
    bytes.append(contentsOf: text.utf8)
  }

  mutating func add(_ texts: [String]) {
    add(texts.count)
    for text in texts { add(text) }
  }

  mutating func add(_ places: [Int]) {
    add(places.count)
    for place in places { add(place) }
  }

  mutating func add(counters: [String: Int64]) {
    add(counters.count)
    for (name, count) in counters.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
    {
      add(name)
      add(signed: count)
    }
  }

  mutating func add(optional value: Double?) {
    bytes.append(value == nil ? 0 : 1)
    if let value { add(value) }
  }

  mutating func add(stamp: FileStamp?) {
    guard let stamp else { return bytes.append(0) }
    bytes.append(1)
    add(unsigned: stamp.device)
    add(unsigned: stamp.inode)
    add(signed: stamp.size)
    add(signed: stamp.modifiedSeconds)
    add(signed: stamp.modifiedNanoseconds)
  }

  mutating func add(look: FileDigests.Look) {
    switch look {
    case .file(let stamp): add(stamp: stamp)
    case .missing: bytes.append(2)
    case .folder: bytes.append(3)
    case .unreadable: bytes.append(4)
    }
  }
}

/// Reads what `Encoder` wrote; each read is nil when the bytes end or do not fit.
private struct Decoder {
  let bytes: UnsafeBufferPointer<UInt8>
  var at = 0

  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  var isAtEnd: Bool { at == bytes.count }

  mutating func unsigned() -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while at < bytes.count, shift < 64 {
      let byte = bytes[at]
      at += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { return value }
      shift += 7
    }
    return nil
  }

  mutating func signed() -> Int64? {
    unsigned().map { Int64(bitPattern: $0 >> 1) ^ -Int64(bitPattern: $0 & 1) }
  }

  /// A length or count: not more than the bytes left could hold.
  mutating func count() -> Int? {
    guard let value = unsigned(), value <= UInt64(bytes.count - at) else { return nil }
    return Int(value)
  }

  mutating func double() -> Double? {
    guard bytes.count - at >= 8 else { return nil }
    var pattern: UInt64 = 0
    for offset in (0..<8).reversed() { pattern = pattern << 8 | UInt64(bytes[at + offset]) }
    at += 8
    return Double(bitPattern: pattern)
  }

  mutating func string() -> String? {
    guard let length = count() else { return nil }
    defer { at += length }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<(at + length)]), as: UTF8.self)
  }

  mutating func strings() -> [String]? {
    guard let count = count() else { return nil }
    var texts: [String] = []
    for _ in 0..<count {
      guard let text = string() else { return nil }
      texts.append(text)
    }
    return texts
  }

  /// A list of places, each below `limit`.
  mutating func places(below limit: Int) -> [Int]? {
    guard let count = count() else { return nil }
    var places: [Int] = []
    places.reserveCapacity(count)
    for _ in 0..<count {
      guard let place = unsigned(), place < UInt64(limit) else { return nil }
      places.append(Int(place))
    }
    return places
  }

  mutating func counters() -> [String: Int64]? {
    guard let count = count() else { return nil }
    var counters: [String: Int64] = [:]
    for _ in 0..<count {
      guard let name = string(), let amount = signed() else { return nil }
      counters[name] = amount
    }
    return counters
  }

  mutating func flag() -> UInt8? {
    guard at < bytes.count else { return nil }
    defer { at += 1 }
    return bytes[at]
  }

  /// An optional: `.some(nil)` when absent, nil when damaged.
  mutating func optionalDouble() -> Double?? {
    switch flag() {
    case 0: return .some(nil)
    case 1: return double().map { .some($0) }
    default: return nil
    }
  }

  mutating func look() -> FileDigests.Look? {
    switch flag() {
    case 1:
      guard let device = unsigned(), let inode = unsigned(), let size = signed(),
        let seconds = signed(), let nanoseconds = signed()
      else { return nil }
      return .file(
        FileStamp(
          device: device, inode: inode, size: size, modifiedSeconds: seconds,
          modifiedNanoseconds: nanoseconds))
    case 2: return .missing
    case 3: return .folder
    case 4: return .unreadable
    default: return nil
    }
  }
}
