import Glibc

/// The workflow folder as the container's one bind mount: refused where mounting it would
/// hand the host to the container, and written as a `--mount` value whose fields are
/// CSV-quoted, the form podman, docker and apptainer (1.1 and later) parse with a CSV
/// reader, so a folder named `run:1`, `data,v2`, `a b` or `it's "x"` mounts as it is
/// (`-v` and `-B` split on `:` and `,`).
public enum ContainerMount {
  /// Folders never mounted themselves: the root, the system's folders, the folders that
  /// hold every user's home or temporary files.
  static let refusedFolders: Set<String> = [
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
    "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
    "/var", "/var/tmp",
  ]
  /// Folders nothing inside of which is mounted: the kernel's views, devices, the system's
  /// configuration and run-time sockets (an engine's socket is the host).
  static let refusedTrees = ["/boot", "/dev", "/etc", "/proc", "/run", "/sys", "/var/run"]

  /// Why `folder` must not be mounted, or nothing. `homes` are the user's home folders,
  /// refused themselves (their keys and credentials) but not the folders inside them.
  public static func check(_ folder: String, homes: [String]) throws(ContainerInvocation.Refusal) {
    guard !folder.unicodeScalars.contains(where: \.isControl) else {
      throw .init(
        "the workflow folder \(folder.debugDescription) has a control character and cannot be"
          + " mounted; rename the folder")
    }
    let fix = "; put the workflow in a folder of its own"
    for path in Set([PathText.normalized(folder), resolved(folder)].compactMap { $0 }) {
      if path == "/" {
        throw .init("the workflow folder is / and mounting it would expose the whole host" + fix)
      }
      if refusedFolders.contains(path)
        || refusedTrees.contains(where: { path.hasPrefix($0 + "/") })
      {
        throw .init("the workflow folder \(path) is a system folder, not mounted" + fix)
      }
      if homes.map(PathText.normalized).contains(path) {
        throw .init("the workflow folder \(path) is a home folder, not mounted whole" + fix)
      }
    }
  }

  /// The user's home folders: `HOME` and the password database's.
  public static func homes(environment: EnvironmentMap) -> [String] {
    var result = environment["HOME"].map { [$0] } ?? []
    if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
      result.append(String(cString: directory))
    }
    return result.filter { $0.hasPrefix("/") }
  }

  /// The `--mount` value binding `folder` at the same path inside, read-only where asked.
  public static func option(_ folder: String, readOnly: Bool = false) -> String {
    "type=bind," + csvField("source=" + folder) + "," + csvField("destination=" + folder)
      + (readOnly ? ",ro" : "")
  }

  /// The folders of a stage's rez packages (each `package.py` or `package.yaml`'s, where
  /// `{root}` and its variants lie), which its package actions point into: mounted
  /// read-only at the same paths, so that those paths hold inside the container as they
  /// do outside. Each once; not one inside `workflowFolder` (mounted already), one that is
  /// not a folder here, nor one `check` refuses.
  public static func packageFolders(
    of packages: [ResolvedPackage], workflowFolder: String, homes: [String]
  ) -> [String] {
    var result: [String] = []
    for package in packages {
      let file = package.definedAt
      guard file.hasPrefix("/"), let slash = file.lastIndex(of: "/"),
        ["package.py", "package.yaml", "package.yml"].contains(file[file.index(after: slash)...])
      else { continue }
      let folder = PathText.normalized(PathText.directory(of: file))
      guard !result.contains(folder), folder != workflowFolder,
        !folder.hasPrefix(workflowFolder.hasSuffix("/") ? workflowFolder : workflowFolder + "/"),
        (try? check(folder, homes: homes)) != nil
      else { continue }
      var status = stat()
      guard stat(folder, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { continue }
      result.append(folder)
    }
    return result
  }

  /// `text` as one CSV field: in double quotes, each `"` doubled.
  static func csvField(_ text: String) -> String {
    "\"" + text.replacing("\"", with: "\"\"") + "\""
  }

  private static func resolved(_ path: String) -> String? {
    guard let pointer = realpath(path, nil) else { return nil }
    defer { free(pointer) }
    return String(cString: pointer)
  }
}
