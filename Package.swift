// swift-tools-version:6.0
import PackageDescription

let argumentParser = Target.Dependency.product(
  name: "ArgumentParser", package: "swift-argument-parser")

/// The settings of the project's own targets (never its dependencies'):
/// - each concrete generic type's metadata is reached through its accessor function, not
///   through its mangled name: a name is decoded at run time, and each of its generic
///   requirements checked by a search through every conformance in the binary (about
///   4,000 in the static one), which took over half of a tool's start-up instructions;
/// - with `FLOW_WARNINGS_AS_ERRORS` set, warnings are errors.
let ownSettings: [SwiftSetting] =
  [.unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])]
  + (Context.environment["FLOW_WARNINGS_AS_ERRORS"] == nil
    ? [] : [.unsafeFlags(["-warnings-as-errors"])])

/// flow builds and runs on Linux only (glibc), so no other platform is declared.
let tools = ["flow-parse", "flow-envfile", "flow-resolve", "flow-sched", "flow-exec"]

/// The library that holds a tool's command (`flow-parse` → `FlowParseTool`, its sources in
/// `Sources/flow-parse`), run by the tool's own executable and by `flow`.
func commandModule(_ tool: String) -> String {
  tool.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Tool"
}

func command(_ tool: String) -> Target {
  .target(
    name: commandModule(tool), dependencies: ["FlowCore", "FlowCommand", argumentParser],
    path: "Sources/" + tool, swiftSettings: ownSettings)
}

/// A tool's own executable: one line calling its command.
func executable(_ tool: String) -> Target {
  .executableTarget(
    name: tool, dependencies: [.target(name: commandModule(tool))],
    path: "Sources/Executables/" + tool, swiftSettings: ownSettings)
}

let package = Package(
  name: "flow",
  products: tools.map { .executable(name: $0, targets: [$0]) } + [
    .executable(name: "flow", targets: ["flow"]),
    .library(name: "FlowCore", targets: ["FlowCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: tools.map(command) + tools.map(executable) + [
    // The installed binary: one file under every tool's name, run as the name says.
    // Linked as a static executable in release builds: no dynamic loader resolving the
    // C++ runtime's symbols at every start, which took more than half of a tool's
    // start-up.
    .executableTarget(
      name: "flow", dependencies: ["FlowCommand"] + tools.map { .target(name: commandModule($0)) },
      swiftSettings: ownSettings,
      linkerSettings: [.unsafeFlags(["-static-executable"], .when(configuration: .release))]),
    .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
    // glibc declarations the Glibc module leaves out, as plain C functions.
    .systemLibrary(name: "CFlowSystem"),
    .target(
      name: "FlowCore",
      dependencies: ["CYAML", "CJansson", "CFlowSystem"], swiftSettings: ownSettings),
    .target(
      name: "FlowCommand", dependencies: ["FlowCore", argumentParser], swiftSettings: ownSettings),
    // What the test targets share: scratch folders, a seeded generator, oracle processes.
    .target(name: "FlowTestSupport", path: "Tests/FlowTestSupport", swiftSettings: ownSettings),
    .testTarget(
      name: "FlowCoreTests", dependencies: ["FlowCore", "FlowTestSupport"],
      swiftSettings: ownSettings),
    // Each tool's plain reading of its arguments held to the argument parser's.
    .testTarget(
      name: "PlainArgumentsTests",
      dependencies: ["FlowCommand", argumentParser]
        + tools.map { .target(name: commandModule($0)) },
      swiftSettings: ownSettings),
    .testTarget(
      name: "CLITests", dependencies: ["FlowCore", "FlowTestSupport"], swiftSettings: ownSettings),
  ]
)
