@testable import FlowCore

/// A rez `package.py` as flow reads it without running it: its literal fields (those of a
/// combined package file too, `with scope(...)` blocks included) and each commands
/// function's lines (the input's own lines read as one too), read as `RezCommands` reads
/// them with the file's top-level names as the package's attributes (`this.NAME`), and its
/// fields written as functions (the input as the body of one too) read for their value (a
/// late one also with a resolve's request), what they read of the environment from a fixed
/// one, every value and test worked out by `RezExpression`. Nothing may trap, and every condition a change keeps must read back,
/// with a resolve and the environment the actions are applied to given, as a truth.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRezPackageFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var reader = PythonModuleReader(bytes: bytes)
  // The input as a package file, and as the body of a commands function itself.
  var bodies = [
    PythonModuleReader.FunctionBody(
      lines: String(decoding: bytes, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false
      ).map(String.init), firstLine: 1)
  ]
  var attributes: [String: RezExpression.Value?] = [:]
  var fieldFunctions = bodies.map { (body: $0, isLate: size % 2 == 0) }
  // A machine of no facts: the same on every run.
  let host = RezHost(
    environment: ["HOME": "/home/u", "REZ_COOK_VARIANT": "[['a-1'], 'b']"],
    files: ProbeFileSystem(root: "/nonexistent"))
  if let read = try? reader.read(
    fields: RezPackage.combinedFields, bodies: Set(RezPackage.commandPhases.map(\.function)),
    compared: RezPackage.foldersGive, host: host)
  {
    bodies += read.functions.values
    attributes = read.names
    fieldFunctions += read.fieldFunctions.values.map { ($0.body, $0.isLate) }
  }
  // Fields written as functions (and the input as one's body), read for their value.
  for function in fieldFunctions {
    _ = RezCommands.value(
      returnedBy: function.body, late: function.isLate, names: attributes, host: host)
    if function.isLate {
      _ = RezCommands.value(
        returnedBy: function.body, late: true, names: attributes, host: host,
        requests: ["maya": "maya-2020", "x": "~x-1"])
    }
  }
  let package = [
    "root": "/r/p/1.2", "base": "/r/p/1.2", "version": "1.2", "name": "p",
    "version.major": "1", "version.minor": "2",
  ]
  var resolved = RezExpression.Scope(
    package: [:],
    resolved: RezExpression.Resolved(
      versions: ["p": "1.2", "maya": "2020.1"], ephemerals: ["gpu": ".gpu-1"]))
  // Where the actions are applied: `defined()`, `'NAME' in os.environ` and path tests are
  // decided there.
  resolved.environment = .applying(["HOME": "/home/u"])
  for body in bodies {
    let commands = RezCommands(
      lines: body.lines, firstLine: body.firstLine, expansions: package, attributes: attributes)
    for change in commands.variables {
      guard let condition = change.condition else { continue }
      if RezExpression.value(condition, in: resolved)?.truth == nil {
        fatalError("the condition '\(condition)' a change keeps does not read back as a truth")
      }
    }
    for line in body.lines {
      _ = RezExpression.value(String(line.trimmingSpaces), in: resolved)
    }
  }
  return 0
}
