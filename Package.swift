// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "flow",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "flow-parse", targets: ["flow-parse"]),
    .executable(name: "flow-resolve", targets: ["flow-resolve"]),
    .library(name: "FlowCore", targets: ["FlowCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(
      name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
    .target(
      name: "FlowCore",
      dependencies: ["CYAML", "CJansson", .product(name: "TOMLKit", package: "TOMLKit")]),
    .executableTarget(
      name: "flow-parse",
      dependencies: ["FlowCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .executableTarget(
      name: "flow-resolve",
      dependencies: ["FlowCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore"]),
    .testTarget(name: "CLITests", dependencies: ["FlowCore"]),
  ]
)
