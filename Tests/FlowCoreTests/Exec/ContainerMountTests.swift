import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct ContainerMountTests {
  /// A workflow at `/` bind-mounted the host's root into the container (`-v /:/`).
  @Test func theRootIsNeverMounted() {
    let error = #expect(throws: ExecError.self) {
      try ContainerImageTests().prepare(image: "alpine", engine: .podman, source: "/w.yaml")
    }
    #expect(
      error?.description
        == "stage 'fit' can never run: the workflow folder is / and mounting it would expose"
        + " the whole host; put the workflow in a folder of its own")
  }

  @Test(arguments: [
    "/", "//", "/etc", "/etc/ssl", "/proc/1", "/sys/fs", "/dev/shm", "/boot", "/usr", "/var",
    "/tmp", "/var/tmp", "/home", "/root", "/run/user/0", "/var/run", "/usr/../etc", "/home/me/",
  ])
  func systemFoldersAndTheHomeAreRefused(folder: String) {
    #expect(throws: ContainerInvocation.Refusal.self) {
      try ContainerMount.check(folder, homes: ["/home/me"])
    }
  }

  @Test(arguments: ["/work/w", "/home/me/project", "/tmp/x", "/usr/local/src/w", "/var/lib/w"])
  func projectFoldersAreMounted(folder: String) throws {
    try ContainerMount.check(folder, homes: ["/home/me"])
  }

  /// A folder that is a symbolic link to the root is the root.
  @Test func aLinkToTheRootIsTheRoot() throws {
    let scratch = try TemporaryFolder()
    let link = scratch.path + "/root-link"
    #expect(symlink("/", link) == 0)
    #expect(throws: ContainerInvocation.Refusal.self) {
      try ContainerMount.check(link, homes: [])
    }
  }

  @Test func aFolderWithAControlCharacterIsRefused() {
    #expect(throws: ContainerInvocation.Refusal.self) {
      try ContainerMount.check("/w/a\nb", homes: [])
    }
  }

  /// `-v a:b` split on `:` and `--mount` on `,`: each field is CSV-quoted instead.
  @Test func mountFieldsAreQuotedForTheEnginesCSVReader() {
    #expect(
      ContainerMount.option("/w/run:1") == #"type=bind,"source=/w/run:1","destination=/w/run:1""#)
    #expect(
      ContainerMount.option("/w/data,v2")
        == #"type=bind,"source=/w/data,v2","destination=/w/data,v2""#)
    #expect(
      ContainerMount.option(#"/w/it's "q""#)
        == #"type=bind,"source=/w/it's ""q""","destination=/w/it's ""q""""#)
  }

  /// Every folder name reads back as itself with the CSV rules the engines use.
  @Test(arguments: ["/w/run:1", "/w/data,v2", "/w/a b", #"/w/it's "q""#, "/w/x=y,z", #"/w/""#])
  func mountFieldsReadBackAsTheFolder(folder: String) {
    #expect(
      csvFields(ContainerMount.option(folder)) == [
        "type=bind", "source=" + folder, "destination=" + folder,
      ])
  }

  /// A CSV line read as Go's encoding/csv reads one: quoted fields, `""` for a quote.
  private func csvFields(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(line)[...]
    while let character = characters.popFirst() {
      if quoted {
        if character == "\"" {
          if characters.first == "\"" {
            field.append("\"")
            characters.removeFirst()
          } else {
            quoted = false
          }
        } else {
          field.append(character)
        }
      } else if character == "\"" && field.isEmpty {
        quoted = true
      } else if character == "," {
        fields.append(field)
        field = ""
      } else {
        field.append(character)
      }
    }
    return fields + [field]
  }
}

extension ContainerMountTests {
  /// A container stage's rez packages' folders are mounted read-only at their own paths,
  /// each once, in both engines' argv; one in the workflow folder, one of another kind of
  /// catalogue, one missing here and a home folder itself are not.
  @Test func aStagesRezPackageFoldersAreMountedReadOnly() throws {
    let folder = try TemporaryFolder()
    let repository = folder.path + "/repo"
    for path in [
      "repo/nuke/12.2/package.py", "repo/site/package.yaml", "w/pkgs/a/1/package.py",
      "home/package.py",
    ] {
      try folder.write(path, "name = 'x'\n")
    }
    func package(_ definedAt: String) -> ResolvedPackage {
      ResolvedPackage(name: "p", version: "1", definedAt: definedAt)
    }
    let folders = ContainerMount.packageFolders(
      of: [
        package(repository + "/nuke/12.2/package.py"), package(repository + "/site/package.yaml"),
        package(repository + "/nuke/12.2/package.py"),
        package(folder.path + "/w/pkgs/a/1/package.py"),
        package(folder.path + "/catalog.toml:3"), package(repository + "/gone/1/package.py"),
        package("implicit: probe"), package(folder.path + "/home/package.py"),
      ], workflowFolder: folder.path + "/w", homes: [folder.path + "/home"])
    #expect(folders == [repository + "/nuke/12.2", repository + "/site"])
    var invocation = ContainerInvocation(
      engine: .podman, image: "i", name: "n", folder: folder.path + "/w")
    invocation.packageFolders = ["/studio/nuke/12.2"]
    let mount = #"--mount=type=bind,"source=/studio/nuke/12.2","destination=/studio/nuke/12.2",ro"#
    #expect(invocation.argv(command: ["true"], environment: [:]).contains(mount))
    invocation.engine = .apptainer
    #expect(invocation.argv(command: ["true"], environment: [:]).contains(mount))
  }
}
