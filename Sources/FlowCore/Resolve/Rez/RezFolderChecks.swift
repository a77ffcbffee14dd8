/// The version folders a rez search reads, checked on a thread of their own while the
/// search goes on: each check is a `stat` of a file a few folders deep, 1,340 of them on a
/// median request of rez's benchmark, where their path lookups took about a sixth of the
/// whole resolve. Checks are handed over in batches, so that the thread is woken once per
/// batch, not once per check; a search that reads few versions checks them itself at the
/// end and starts no thread. What the checks found counts only once they are all done
/// (`finish`): a resolve's answer waits for them, as it waited for each before.
final class RezFolderChecks: @unchecked Sendable {
  // Unowned and unchecked: the index owns these checks and waits for their thread before
  // it goes, so it outlives every use here, its own `deinit` included.
  private unowned(unsafe) let index: CatalogueIndex
  private let lock = ThreadLock()
  /// Records read here, not handed over yet.
  private var batch: [RecordReader] = []
  /// Records handed over, not yet taken by the thread; under `lock`.
  private var handed: [RecordReader] = []
  /// Set with the last batch; under `lock`.
  private var handedAll = false
  private var thread: QuietThread?
  private var threadFailed = false
  private var finished = false
  /// A change (or a damaged record) found on this thread, and on the other; the other's is
  /// read once that thread has ended.
  private var foundHere = false
  private var foundThere = false
  private var reported = false
  static let batchSize = 32

  init(index: CatalogueIndex) {
    self.index = index
  }

  /// Checks the version folder whose record lies at `record`
  /// (`CatalogueIndex.rezChanged(_:deferring:deferredRecords:)`), now or on the thread.
  func add(_ record: Range<Int>) {
    let reader: RecordReader
    do {
      reader = try index.rezFolderRecord(record)
    } catch {
      foundHere = true
      return
    }
    batch.append(reader)
    if finished {
      check(batch, found: &foundHere)
      batch.removeAll()
    } else if batch.count >= Self.batchSize {
      hand(last: false)
    }
  }

  /// Waits for every check handed over; whether one found a change, said once.
  func finish() -> Bool {
    if !finished {
      finished = true
      hand(last: true)
      thread?.join()
      thread = nil
    }
    guard foundHere || foundThere, !reported else { return false }
    reported = true
    return true
  }

  private func hand(last: Bool) {
    if thread == nil && !threadFailed && !last {
      index.prepareFileStates()
      thread = try? QuietThread(elsewhere: true) { [self] in run() }
      threadFailed = thread == nil
    }
    guard thread != nil else {
      check(batch, found: &foundHere)
      batch.removeAll(keepingCapacity: true)
      return
    }
    lock.withLock {
      handed += batch
      handedAll = last
      lock.broadcast()
    }
    batch.removeAll(keepingCapacity: true)
  }

  private func run() {
    var work: [RecordReader] = []
    while true {
      let last = lock.withLock { () -> Bool in
        while handed.isEmpty && !handedAll { lock.wait() }
        swap(&work, &handed)
        return handedAll
      }
      check(work, found: &foundThere)
      work.removeAll(keepingCapacity: true)
      if last { return }
    }
  }

  /// Checks each record until one finds a change; a record that cannot be read counts as
  /// one, as the index is then compiled anew.
  private func check(_ records: [RecordReader], found: inout Bool) {
    for record in records where !found {
      if (try? index.rezFolderChanged(reading: record)) != false { found = true }
    }
  }
}
