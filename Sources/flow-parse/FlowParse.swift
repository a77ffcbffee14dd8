import ArgumentParser
import FlowCore

@main
struct FlowParse: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flow-parse", abstract: "Read a workflow YAML file and print the pipe document.")
  func run() throws {}
}
