@testable import FlowCore

/// Parses text in a dialect and merges it alone, the way most tests want to look at it.
func parse(_ text: String, _ dialect: EnvFileDialect = .compose, file: String = "t.env")
  -> EnvFileParseResult
{
  EnvFileText(file: file, text: text).parse(dialect)
}

func merged(
  _ text: String, _ dialect: EnvFileDialect = .compose, expand: Bool = true,
  environment: EnvironmentMap = [:]
) -> EnvMergeResult {
  let parsed = parse(text, dialect)
  return EnvMerge.merge(
    [.file(parsed.entries)],
    options: EnvMergeOptions(dialect: dialect, expand: expand, baseEnvironment: environment))
}

/// The merged values, `nil` for python's bare keys.
func values(
  _ text: String, _ dialect: EnvFileDialect = .compose, expand: Bool = true,
  environment: EnvironmentMap = [:]
) -> [String: String?] {
  merged(text, dialect, expand: expand, environment: environment).values
}

func value(_ key: String, in text: String, _ dialect: EnvFileDialect = .compose) -> String?? {
  values(text, dialect)[key]
}
