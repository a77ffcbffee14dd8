import Glibc

/// The Slurm jobs of a run, in its record: `{"slurm_job": "ID", "name": "JOBNAME"}` a line,
/// written as each job is submitted. A SIGKILLed flow-exec cannot cancel them; the next
/// run's sweep does, by id and only while the job still has the name this run gave it.
extension RunRecords {
  /// Adds a submitted job to `run`'s record.
  func add(slurmJob id: String, name: String, to run: String) {
    let descriptor = open(folder + "/" + run, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    let line = JSONValue.object(JSONObject([("slurm_job", .string(id)), ("name", .string(name))]))
    try? Descriptor.writeAll(JSONCodec.encode(line) + [10], to: descriptor)
  }

  /// The jobs in `run`'s record: only ids of ASCII digits and names `SafeName` could give,
  /// since both go into scancel's argv.
  func slurmJobs(of run: String) -> [(id: String, name: String)] {
    let descriptor = open(folder + "/" + run, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { return [] }
    defer { close(descriptor) }
    let bytes = (try? Descriptor.readAll(from: descriptor, limit: 1 << 20)) ?? []
    return bytes.split(separator: 10).compactMap { line in
      guard let entry = try? JSONCodec.decode(Array(line)),
        let id = entry["slurm_job"]?.stringValue, let name = entry["name"]?.stringValue,
        !id.isEmpty, id.allSatisfy({ $0.isASCII && $0.isNumber }),
        !name.isEmpty, SafeName.of(name) == name, !name.hasPrefix("-")
      else { return nil }
      return (id, name)
    }
  }

  /// Cancels the jobs `run` recorded, each by its id and name (a job id Slurm gave again
  /// to another job keeps it: scancel then matches nothing); returns how many were asked.
  func cancelSlurmJobs(of run: String) -> Int {
    let jobs = slurmJobs(of: run)
    guard !jobs.isEmpty else { return 0 }
    let slurm = SlurmCommand(environment: slurmEnvironment)
    var cancelled = 0
    for job in jobs {
      let listed = slurm.run(["squeue", "--noheader", "--format=%i", "--jobs=" + job.id])
      guard listed.status == 0, listed.lines.contains(job.id) else { continue }
      if slurm.run(["scancel", "--name=" + job.name, job.id]).status == 0 { cancelled += 1 }
    }
    return cancelled
  }
}
