/// The version folders a rez search reads, and the folders of each package it reads (its
/// first checks), checked on a thread of their own while the search goes on: each check is a `stat` of a file a few folders deep, 1,340 of them on a
/// median request of rez's benchmark, where their path lookups took about a sixth of the
/// whole resolve. Checks are handed over in batches, so that the thread is woken once per
/// batch, not once per check: each wake costs the search's thread a system call, and
/// batches of 32 rather than 128 made that median request 0.3 ms slower. A search that
/// reads fewer versions than a batch checks them itself at the end and starts no thread. What the checks found counts only once they are all done
/// (`finish`): a resolve's answer waits for them, as it waited for each before, and the
/// search's thread, done searching, checks batches the other has not taken yet alongside
/// it rather than waiting.
final class RezFolderChecks: @unchecked Sendable {
  // Unowned and unchecked: the index owns these checks and waits for their thread before
  // it goes, so it outlives every use here, its own `deinit` included.
  private unowned(unsafe) let index: CatalogueIndex
  private let lock = ThreadLock()
  /// A record to check: a version folder's (`RezIndex.FolderRecords`), or a package's first
  /// checks (`CatalogueIndex.rezFirstChecksChanged(reading:)`).
  struct Record {
    let reader: RecordReader
    let isFirstChecks: Bool
  }

  /// Records read here, not handed over yet.
  private var batch: [Record] = []
  /// Records handed over, the first `taken` of them taken by a thread to check; under
  /// `lock`.
  private var handed: [Record] = []
  private var taken = 0
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
  static let batchSize = 128

  init(index: CatalogueIndex) {
    self.index = index
  }

  /// Checks the version folder whose record lies at `record` (`RezIndex.FolderRecords`), or
  /// with `firstChecks` a package's first checks, now or on the thread.
  func add(_ record: Range<Int>, firstChecks: Bool = false) {
    let reader: RecordReader
    do {
      reader = try index.rezFolderRecord(record)
    } catch {
      foundHere = true
      return
    }
    batch.append(Record(reader: reader, isFirstChecks: firstChecks))
    if finished {
      check(batch, found: &foundHere)
      batch.removeAll()
    } else if batch.count >= Self.batchSize {
      hand(last: false)
    }
  }

  /// Checks what is left with the thread, then waits for it; whether one check found a
  /// change, said once.
  func finish() -> Bool {
    if !finished {
      finished = true
      hand(last: true)
      if thread != nil {
        while !foundHere, let work = nextBatch(waiting: false) { check(work, found: &foundHere) }
      }
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
    while let work = nextBatch(waiting: true) { check(work, found: &foundThere) }
  }

  /// The next batch of records handed over and not taken: waiting for one unless
  /// `waiting` is false; nil once all were handed over and taken.
  private func nextBatch(waiting: Bool) -> [Record]? {
    lock.withLock {
      while waiting && taken == handed.count && !handedAll { lock.wait() }
      guard taken < handed.count else { return nil }
      let end = min(taken + Self.batchSize, handed.count)
      defer { taken = end }
      // A copy: a slice would keep the list shared, and the next batch handed over would
      // copy all of it.
      return Array(handed[taken..<end])
    }
  }

  /// Checks each record until one finds a change; a record that cannot be read counts as
  /// one, as the index is then compiled anew.
  private func check(_ records: [Record], found: inout Bool) {
    for record in records where !found {
      let changed =
        record.isFirstChecks
        ? try? index.rezFirstChecksChanged(reading: record.reader)
        : try? index.rezFolderChanged(reading: record.reader)
      if changed != false { found = true }
    }
  }
}
