// swift-tools-version:6.0
import PackageDescription

let argumentParser = Target.Dependency.product(
  name: "ArgumentParser", package: "swift-argument-parser")

/// With `FLOW_WARNINGS_AS_ERRORS` set, the project's own targets (never its
/// dependencies) treat warnings as errors.
let strict: [SwiftSetting] =
  Context.environment["FLOW_WARNINGS_AS_ERRORS"] == nil
  ? [] : [.unsafeFlags(["-warnings-as-errors"])]

/// A flow command: a thin executable over the core.
func tool(_ name: String) -> Target {
  .executableTarget(
    name: name, dependencies: ["FlowCore", "FlowCommand", argumentParser], swiftSettings: strict)
}

/// flow builds and runs on Linux only (glibc), so no other platform is declared.
let tools = ["flow-parse", "flow-envfile", "flow-resolve", "flow-sched", "flow-exec"]

let package = Package(
  name: "flow",
  products: tools.map { .executable(name: $0, targets: [$0]) } + [
    .library(name: "FlowCore", targets: ["FlowCore"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: tools.map(tool) + [
    .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
    // glibc declarations the Glibc module leaves out, as plain C functions.
    .systemLibrary(name: "CFlowSystem"),
    .target(
      name: "FlowCore",
      dependencies: ["CYAML", "CJansson", "CFlowSystem"], swiftSettings: strict),
    .target(
      name: "FlowCommand", dependencies: ["FlowCore", argumentParser], swiftSettings: strict),
    // What the test targets share: scratch folders, a seeded generator, oracle processes.
    .target(name: "FlowTestSupport", path: "Tests/FlowTestSupport", swiftSettings: strict),
    .testTarget(
      name: "FlowCoreTests", dependencies: ["FlowCore", "FlowTestSupport"], swiftSettings: strict),
    .testTarget(
      name: "CLITests", dependencies: ["FlowCore", "FlowTestSupport"], swiftSettings: strict),
  ]
)
