import Glibc

/// The folders `scratchFolder(_:)` made, emptied and removed when the fuzzer exits.
nonisolated(unsafe) private var scratchFolders: [String] = []

/// A private folder on tmpfs for the files a harness writes on every input: truncating a
/// file on a disk file system costs milliseconds an input. It is named after the purpose
/// and the process, so that harnesses running side by side never share one, and it goes
/// with every file in it when the fuzzer exits. The process number is written with ten
/// digits, so that paths kept in what a harness damages (the compiled index's source key)
/// have one length and a seed damages the same place in every run.
func scratchFolder(_ purpose: String) -> String {
  let process = String(getpid())
  let folder =
    "/dev/shm/flow-fuzz-\(purpose)-" + String(repeating: "0", count: max(0, 10 - process.count))
    + process
  guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
    fatalError("cannot make \(folder)")
  }
  if scratchFolders.isEmpty {
    atexit {
      for folder in scratchFolders {
        if let listing = opendir(folder) {
          while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
              String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(folder + "/" + name) }
          }
          closedir(listing)
        }
        rmdir(folder)
      }
    }
  }
  scratchFolders.append(folder)
  return folder
}
