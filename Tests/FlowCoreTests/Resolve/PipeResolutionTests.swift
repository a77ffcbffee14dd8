import Testing

@testable import FlowCore

@Suite struct PipeResolutionTests {
  @Test func everyStageGetsItsResolutionAndEqualSetsAreSolvedOnce() throws {
    let catalogue = try Catalogue(texts: [("a.toml", CatalogueTests.houdini)])
    let document = try JSONCodec.decode(
      Array(
        """
        {"flow": 1, "source": "w.yaml", "stages": [
          {"name": "a", "environment": {"requirements": [{"package": "houdini.py3_10", "spec": ""}]}},
          {"name": "b", "environment": {"requirements": []}},
          {"name": "c", "environment": {"requirements": [{"package": "houdini.py3_10", "spec": ""}]}},
          {"name": "d", "environment": {"requirements": [{"package": "python", "spec": "<3.11"}]}}
        ]}
        """.utf8))
    var workflow = try Workflow(document: document, file: "w.json")
    let solved = try PipeResolution(source: CatalogueSource(catalogue)).annotate(&workflow)
    let annotated = workflow.document
    #expect(solved == 2)
    guard case .object(let root) = annotated, case .array(let stages)? = root["stages"] else {
      Issue.record("no stages")
      return
    }
    func versions(_ stage: JSONValue) -> [String] {
      guard case .object(let object) = stage, case .object(let resolution)? = object["resolution"],
        case .array(let packages)? = resolution["packages"]
      else { return [] }
      return packages.compactMap {
        guard case .object(let entry) = $0, case .string(let version)? = entry["version"] else {
          return nil
        }
        return version
      }
    }
    #expect(versions(stages[0]) == ["20.0.506", "3.11.1"])
    #expect(versions(stages[1]) == [])
    #expect(versions(stages[2]) == versions(stages[0]))
    #expect(versions(stages[3]) == ["3.10.4"])
  }

  @Test func unsatisfiableStageNamesTheStageAndItsFile() throws {
    let catalogue = try Catalogue(texts: [("a.toml", CatalogueTests.houdini)])
    let document = try JSONCodec.decode(
      Array(
        """
        {"flow": 1, "source": "w.yaml", "stages": [{"name": "fit", "at": {"line": 3, "column": 5},
          "environment": {"requirements": [{"package": "python", "spec": ">=4"}]}}]}
        """.utf8))
    var workflow = try Workflow(document: document, file: "w.json")
    #expect {
      _ = try PipeResolution(source: CatalogueSource(catalogue)).annotate(&workflow)
    } throws: { error in
      "\(error)"
        == "w.yaml:3:5: stage 'fit': python >=4 is requested and no python >=4 is in the "
        + "catalogue (python has 3.11.1 and 3.10.4)"
    }
  }
}

extension PipeResolutionTests {
  /// On a rez repository a stage's facts are rez versions (`platform linux`), ranked as rez
  /// ranks them, so a variant naming one is chosen.
  @Test func aStageOnARezRepositoryChoosesTheVariantItsFactsName() throws {
    let folder = try RezRepositoryTests.repository([
      "tool/1.0": "variants = [['platform-windows'], ['platform-linux']]\n",
      "platform/osx": "",
    ])
    let document = try JSONCodec.decode(
      Array(
        """
        {"flow": 1, "source": "w.yaml", "stages": [
          {"name": "a", "environment": {"requirements": [{"package": "tool", "spec": ""}]}}
        ]}
        """.utf8))
    var workflow = try Workflow(document: document, file: "w.json")
    var resolution = PipeResolution(source: try RezRepository(roots: [folder.path]))
    resolution.implicits = ImplicitPackages(facts: [
      ImplicitPackages.Fact(name: "platform", version: "linux", source: "test")
    ])
    _ = try resolution.annotate(&workflow)
    let packages = try #require(workflow.stages[0].resolution?.packages)
    #expect(packages.map { "\($0.name)-\($0.version)" }.sorted() == ["platform-linux", "tool-1.0"])
    #expect(packages.first { $0.name == "tool" }?.variant == 1)
  }
}
