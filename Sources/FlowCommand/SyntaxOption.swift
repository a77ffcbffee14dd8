import ArgumentParser
import FlowCore

/// `--syntax auto|lifeblood|node|rez`, read by every tool that resolves requirements.
extension VersionSpec.SyntaxChoice: ExpressibleByArgument {}

/// The help of `--syntax`, the same wherever specs are read.
public let syntaxOptionHelp = ArgumentHelp(
  "How specs are read: lifeblood (python-semanticversion), node (node-semver), rez, or auto.",
  valueName: "syntax")
