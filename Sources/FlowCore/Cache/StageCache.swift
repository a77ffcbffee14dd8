/// The stage cache of one run. When a stage is ready (the stages it needs have ended),
/// `skip` computes its key (`StageCacheKey`) and says whether an earlier run that ended
/// with status 0 under that key, and whose declared outputs still hold what it wrote,
/// lets it be skipped with outcome `cached`; if not, `reasons` says why it runs. When a
/// stage ends, `ended` records it if it succeeded, at once and whole, so that a run
/// killed midway keeps what finished.
///
/// Only the run loop's thread calls it (runner options are `Sendable` since they are
/// built on one thread and handed to another); in a run that mixes executors, each
/// executor's runner asks a part of it (`part(for:)`) from its own thread, and the parts
/// take turns.
public final class StageCache: @unchecked Sendable {
  private let launches: [StageLaunch]
  /// The workflow file: records of stages are kept per workflow.
  private let workflow: String
  private let store: CacheStore
  private let files: FileDigests
  /// Stages that run whatever their records say (`--rerun`), and whether all do
  /// (`--no-cache`).
  private let forced: Set<String>
  private let forcesAll: Bool
  /// The stages found unchanged before the run began (`QuickRerun`): each is `cached`
  /// under the key it had, without its records being read.
  private let unchanged: QuickRerun.Unchanged?
  private let warn: (String) -> Void
  /// Each stage's index by its name, made when first asked for: a run whose stages were
  /// all found unchanged before it began never asks.
  private lazy var position: [String: Int] = Dictionary(
    launches.indices.map { (launches[$0].name, $0) }
  ) { first, _ in first }
  /// Why each stage runs, or `cached`; nil before it was ready.
  public private(set) var reasons: [String?]
  private var keys: [String?]
  /// Each stage's parts as hashed (`StageCacheKey.text`), which a hit's record holds.
  private var partsTexts: [[UInt8]]
  private var inputs: [[(path: String, content: FileDigests.Content)]]
  private var ran: [Bool]
  /// The declared files of each stage as its record of this run holds them, its inputs
  /// then its outputs: set when it was found cached or recorded after it succeeded.
  private var recordedFiles: [[(path: String, content: FileDigests.Content)]?]
  /// A record could not be written: the next run may not find what this one did.
  private var recordingFailed = false
  /// Stages found to run: a stage that waits for capacity is asked about again.
  private var mustRun: [Bool]
  private var foldersMade = false
  private var storeOpened = false
  /// Whether a hit on files touched since is recorded again; not while explaining, which
  /// changes nothing.
  private var refreshesStamps = true
  private var warnedAboutWriting = false
  /// For a part (`part(for:)`): the cache of the whole run, and each of the part's stages'
  /// index in it. A part keeps nothing itself.
  private var whole: StageCache?
  private var runIndexes: [Int] = []
  /// Taken by the parts, whose runners go at the same time.
  private let turns = ThreadLock()

  public init(
    launches: [StageLaunch], workflow: String, folder: String, store: CacheStore,
    forced: Set<String> = [], forcesAll: Bool = false, unchanged: QuickRerun.Unchanged? = nil,
    warn: @escaping (String) -> Void
  ) {
    self.launches = launches
    self.workflow = workflow
    self.store = store
    self.files = FileDigests(folder: folder)
    self.forced = forced
    self.forcesAll = forcesAll
    self.unchanged = unchanged
    self.warn = warn
    reasons = Array(repeating: nil, count: launches.count)
    keys = reasons
    partsTexts = Array(repeating: [], count: launches.count)
    inputs = Array(repeating: [], count: launches.count)
    ran = Array(repeating: false, count: launches.count)
    mustRun = ran
    recordedFiles = Array(repeating: nil, count: launches.count)
  }

  /// The cache as a runner of `stages`, some of the run's, sees it: their indexes are
  /// their places among `stages`. nil when one is not a stage of the run.
  public func part(for stages: [StageLaunch]) -> StageCache? {
    let root = whole ?? self
    // Under the turns: another part's runner may be making the names' map.
    let indexes = root.turns.withLock { stages.compactMap { root.position[$0.name] } }
    guard indexes.count == stages.count else { return nil }
    let part = StageCache(
      launches: [], workflow: workflow, folder: "", store: store, warn: warn)
    (part.whole, part.runIndexes) = (root, indexes)
    return part
  }

  /// The result of a stage that need not run, or nil when it must (`reasons[index]`).
  public func skip(_ index: Int) -> StageResult? {
    if let whole { return whole.turns.withLock { whole.skip(runIndexes[index]) } }
    if isUnchanged(index) {
      reasons[index] = "cached"
      return StageResult(outcome: .cached, status: 0)
    }
    guard !mustRun[index], let entry = launches[index].cacheEntry else { return nil }
    openStore()
    let name = launches[index].name
    let latest = believed(store.latest(workflow: workflow, stage: name))
    if let latest { rememberDigests(latest) }
    let text = computeText(index, entry)
    (ran[index], mustRun[index]) = (true, true)
    if forcesAll || forced.contains(name) {
      keys[index] = StageCacheKey.digest(ofText: text)
      reasons[index] = "forced"
      return nil
    }
    // The parts compared, not only the key: a record edited or written by something else
    // under this key is not this stage's. The newest record holding exactly this stage's
    // parts is its hit, under the key flow wrote it with, the digest of those parts: they
    // are not hashed again, which cost more than the rest of skipping a stage. (A record
    // given another key by hand then names this stage's key to the stages that need it,
    // which then differ from their own records and run.)
    let isLatest = latest?.partsText == text
    let key = isLatest ? latest!.key : StageCacheKey.digest(ofText: text)
    keys[index] = key
    let candidate = isLatest ? latest : believed(store.record(key: key))
    if let candidate, candidate.partsText == text {
      // The newest record's digests are remembered already.
      if !isLatest { rememberDigests(candidate) }
      let outputs = candidate.outputs.map { ($0.path, files.content(of: $0.path)) }
      if let changed = changedOutput(candidate, now: outputs) {
        reasons[index] = changed
        return nil
      }
      // Files touched since (the same digests under new stamps) are recorded again as
      // they are now: later runs then find them unchanged with one stat each, instead of
      // reading them on every run.
      if refreshesStamps,
        inputs[index].map(\.content) != candidate.inputs.map(\.content)
          || outputs.map(\.1) != candidate.outputs.map(\.content)
      {
        append(
          CacheRecord(
            key: key, stage: name, workflow: workflow, partsText: text, inputs: inputs[index],
            outputs: outputs, seconds: candidate.seconds))
      }
      reasons[index] = "cached"
      (ran[index], mustRun[index]) = (false, false)
      recordedFiles[index] = inputs[index] + outputs
      return StageResult(outcome: .cached, status: 0)
    }
    guard let latest else {
      reasons[index] = "no record"
      return nil
    }
    reasons[index] =
      StageCacheKey.reason(text, from: latest.partsText) { need in
        position[need].map { ran[$0] } ?? false
      } ?? "its key changed"
    return nil
  }

  /// Computes a stage's key from its declared inputs as they are now and the keys of the
  /// stages it needs, and keeps it with its parts for its record.
  private func computeKey(_ index: Int, _ entry: StageCacheEntry) {
    keys[index] = StageCacheKey.digest(ofText: computeText(index, entry))
  }

  /// The parts of a stage's key (`StageCacheKey.text`), from its declared inputs as they
  /// are now and the keys of the stages it needs, kept for its record.
  private func computeText(_ index: Int, _ entry: StageCacheEntry) -> [UInt8] {
    var digests: [(String, String)] = []
    var read: [(path: String, content: FileDigests.Content)] = []
    var seen = SeenPaths()
    for pattern in entry.inputs {
      // A stage's own outputs are never its inputs (`*.out` beside its `y.out`).
      for path in files.expand(pattern)
      where !FileDigests.matches(path, anyOf: entry.outputs) && seen.insert(path) {
        let content = files.content(of: path)
        digests.append((path, content.digest))
        read.append((path, content))
      }
    }
    // Each need once, as a map of the parts holds it.
    var needs: [(String, String)] = []
    for need in entry.needs where !needs.contains(where: { $0.0 == need }) {
      needs.append((need, key(of: need)))
    }
    let text = StageCacheKey.text(fixedText: entry.fixedText, inputs: digests, needs: needs)
    (partsTexts[index], inputs[index]) = (text, read)
    return text
  }

  /// Says that a stage runs for `reason` without looking at its records: a cluster stage
  /// submitted before a stage it needs has run (its key is known only when it ends).
  public func runs(_ index: Int, because reason: String) {
    if let whole { return whole.turns.withLock { whole.runs(runIndexes[index], because: reason) } }
    (ran[index], mustRun[index]) = (true, true)
    reasons[index] = reason
  }

  /// Records a stage that succeeded, with the digests of its outputs as they are now. A
  /// stage whose key was not computed when it started (`runs(_:because:)`) gets it now,
  /// from its inputs as it leaves them.
  public func ended(_ index: Int, _ result: StageResult) {
    if let whole { return whole.turns.withLock { whole.ended(runIndexes[index], result) } }
    guard result.outcome == .succeeded, let entry = launches[index].cacheEntry else { return }
    openStore()
    if keys[index] == nil { computeKey(index, entry) }
    guard let key = keys[index] else { return }
    var outputs: [(path: String, content: FileDigests.Content)] = []
    for pattern in entry.outputs {
      for path in files.expand(pattern) where !outputs.contains(where: { $0.path == path }) {
        outputs.append((path, files.content(of: path)))
      }
    }
    append(
      CacheRecord(
        key: key, stage: launches[index].name, workflow: workflow, partsText: partsTexts[index],
        inputs: inputs[index], outputs: outputs, seconds: result.seconds))
    if !recordingFailed { recordedFiles[index] = inputs[index] + outputs }
  }

  /// For each stage, the declared files its record holds, inputs then outputs, when the
  /// next run with nothing changed will find it cached: it was found cached or unchanged in
  /// this run or recorded when it succeeded. nil when some record could not be written.
  public var filesOfRecords: [[(path: String, look: FileDigests.Look)]?]? {
    guard !recordingFailed else { return nil }
    return recordedFiles.indices.map { index in
      if let files = recordedFiles[index] { return files.map { ($0.path, $0.content.look) } }
      guard let unchanged, isUnchanged(index) else { return nil }
      return unchanged.run.stages[index].files.map {
        (unchanged.run.files[$0].path, unchanged.run.files[$0].look)
      }
    }
  }

  /// Each stage's key in this run: computed, or kept for a stage found unchanged; nil for
  /// one whose key is not known.
  public var keysOfStages: [String?] { keys.indices.map(key(at:)) }

  /// Whether the stage was found unchanged before the run began.
  private func isUnchanged(_ index: Int) -> Bool { unchanged?.stages[index] ?? false }

  /// A stage's key: computed in this run, or the one it had when found unchanged.
  private func key(at index: Int) -> String? {
    keys[index] ?? (isUnchanged(index) ? unchanged?.run.stages[index].key : nil)
  }

  private func append(_ record: CacheRecord) {
    if !foldersMade {
      if let folder = store.makeFolders() {
        recordingFailed = true
        warnOnce("cannot create the cache folder \(folder): stages are not recorded")
        return
      }
      foldersMade = true
    }
    do throws(IOError) {
      try store.write(record)
    } catch {
      recordingFailed = true
      warnOnce("cannot record stage '\(record.stage)' in the cache: \(error)")
    }
  }

  /// Why each stage would run or not, in the launches' order, running nothing: a stage
  /// after one that would run is said to rerun for it, as its key is not known yet.
  public func explain() -> [(stage: String, reason: String)] {
    refreshesStamps = false
    var wouldRun = Array(repeating: false, count: launches.count)
    var explained = wouldRun
    // Each stage after the stages it needs, walked depth first (documents have no cycles).
    for root in launches.indices {
      var path = [root]
      while let index = path.last {
        if explained[index] {
          path.removeLast()
        } else if let need = launches[index].needs.first(where: { !explained[$0] }) {
          path.append(need)
        } else {
          path.removeLast()
          explained[index] = true
          let name = launches[index].name
          if let need = launches[index].needs.first(where: { wouldRun[$0] }),
            !(forcesAll || forced.contains(name))
          {
            reasons[index] = "needs \(launches[need].name), which would rerun"
            wouldRun[index] = true
          } else if skip(index) == nil {
            wouldRun[index] = true
          }
        }
      }
    }
    return launches.indices.map { (launches[$0].name, reasons[$0] ?? "not cached") }
  }

  /// The key of a needed stage: the one computed in this run, else its newest record's
  /// (a stage not run now, under `--stage`), else `none`.
  private func key(of need: String) -> String {
    if let index = position[need] { return key(at: index) ?? "unknown" }
    return believed(store.latest(workflow: workflow, stage: need))?.key ?? "none"
  }

  /// The first declared output that no longer holds what the record says, said for a
  /// person; nil when all do.
  private func changedOutput(
    _ record: CacheRecord, now outputs: [(String, FileDigests.Content)]
  ) -> String? {
    for ((path, content), (_, now)) in zip(record.outputs, outputs) {
      if now.digest == content.digest { continue }
      return now == .missing ? "output \(path) is missing" : "output \(path) changed"
    }
    return nil
  }

  private func rememberDigests(_ record: CacheRecord) {
    for (path, content) in record.inputs + record.outputs {
      if case .file(let stamp, let digest) = content {
        files.remember(path, stamp: stamp, digest: digest)
      }
    }
  }

  /// Reads the records when first needed, and warns of damaged ones.
  private func openStore() {
    guard !storeOpened else { return }
    storeOpened = true
    for warning in store.open() { warn(warning) }
  }

  private func believed(_ lookup: CacheStore.Lookup) -> CacheRecord? {
    switch lookup {
    case .absent: return nil
    case .record(let record): return record
    case .corrupt(let path, let reason):
      warn("ignoring cache record \(path): \(reason); the stage runs again")
      return nil
    }
  }

  private func warnOnce(_ message: String) {
    guard !warnedAboutWriting else { return }
    warnedAboutWriting = true
    warn(message)
  }
}

/// The input paths of a stage seen so far. Most stages declare a few, which a look along
/// a list finds sooner than a hash; globs can give many, which a set finds sooner.
private struct SeenPaths {
  private static let listLimit = 16
  private var list: [String] = []
  private var set: Set<String> = []

  /// Adds `path`; false when it was seen before.
  mutating func insert(_ path: String) -> Bool {
    guard set.isEmpty else { return set.insert(path).inserted }
    if list.contains(path) { return false }
    list.append(path)
    if list.count == Self.listLimit {
      set = Set(list)
      list = []
    }
    return true
  }
}
