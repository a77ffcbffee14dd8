// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "flow",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "flow-parse", targets: ["flow-parse"]),
    .executable(name: "flow-envfile", targets: ["flow-envfile"]),
    .library(name: "FlowCore", targets: ["FlowCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .systemLibrary(
      name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(
      name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
    .target(name: "FlowCore", dependencies: ["CYAML", "CJansson"]),
    .executableTarget(
      name: "flow-parse",
      dependencies: ["FlowCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .executableTarget(
      name: "flow-envfile",
      dependencies: ["FlowCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore"]),
    .testTarget(name: "CLITests", dependencies: ["FlowCore"]),
  ]
)
