/// A JSON Schema (draft-07) of the pipe document every tool writes, as flow-json(5)
/// describes it; `flow-parse --document-schema` prints it. The CLI tests validate each
/// tool's output against it, so the schema, the man page and the model keep in step.
public enum DocumentSchema {
  public static var document: JSONValue {
    // The text is a constant of this file, so it always parses.
    try! JSONCodec.decode(Array(text.utf8))
  }

  static let text = #"""
    {
      "$schema": "http://json-schema.org/draft-07/schema#",
      "$id": "https://flow.invalid/schema/document-1.json",
      "title": "flow pipe document",
      "description": "The JSON document the flow tools pass along a pipe (flow-json(5)), version 1.",
      "type": "object",
      "required": ["flow", "source", "stages"],
      "properties": {
        "flow": {"const": 1},
        "source": {"type": "string"},
        "version": {},
        "global": {},
        "metadata": {},
        "plugins": {},
        "stages": {"type": "array", "items": {"$ref": "#/definitions/stage"}},
        "schedule": {"$ref": "#/definitions/schedule"}
      },
      "patternProperties": {"^x-": {}},
      "additionalProperties": false,
      "definitions": {
        "seconds": {"type": "number", "minimum": 0},
        "variableName": {"type": "string", "pattern": "^[^=\\u0000-\\u001f\\u007f]+$"},
        "stageSeconds": {"type": "number", "minimum": 0, "maximum": \#(Int64(QuantityLimit.maximumSeconds))},
        "position": {
          "type": "object",
          "required": ["line", "column"],
          "properties": {
            "line": {"type": "integer", "minimum": 1},
            "column": {"type": "integer", "minimum": 1}
          },
          "additionalProperties": false
        },
        "at": {"oneOf": [{"$ref": "#/definitions/position"}, {"type": "null"}]},
        "stage": {
          "type": "object",
          "required": [
            "name", "type", "args", "kwargs", "needs", "environment", "duration", "timeout", "at"
          ],
          "properties": {
            "name": {
              "type": "string", "minLength": 1, "maxLength": \#(WorkflowRules.maximumStageNameBytes),
              "pattern": "^[^\\u0000-\\u001f\\u007f]+$",
              "description": "At most \#(WorkflowRules.maximumStageNameBytes) bytes of UTF-8, unique in the document."
            },
            "type": {"type": ["string", "null"]},
            "args": {"type": "array"},
            "kwargs": {"type": "object"},
            "needs": {"type": "array", "items": {"type": "string"}},
            "environment": {"$ref": "#/definitions/environment"},
            "duration": {"oneOf": [{"$ref": "#/definitions/stageSeconds"}, {"type": "null"}]},
            "timeout": {"oneOf": [{"$ref": "#/definitions/stageSeconds"}, {"type": "null"}]},
            "at": {"$ref": "#/definitions/at"},
            "inputs": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "outputs": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "retry": {
              "type": "object",
              "required": ["attempts", "on", "memory_factor", "time_factor"],
              "properties": {
                "attempts": {"type": "integer", "minimum": 1, "maximum": \#(RetryPolicy.maximumAttempts)},
                "on": {
                  "type": "array", "items": {"enum": ["oom", "timeout", "lost", "failed"]}
                },
                "memory_factor": {"type": "number", "minimum": 1, "maximum": \#(Int(RetryPolicy.maximumFactor))},
                "time_factor": {"type": "number", "minimum": 1, "maximum": \#(Int(RetryPolicy.maximumFactor))}
              },
              "additionalProperties": false
            },
            "plugins": {},
            "resolution": {"$ref": "#/definitions/resolution"},
            "plan": {"$ref": "#/definitions/plan"}
          },
          "patternProperties": {"^x-": {}},
          "additionalProperties": false
        },
        "environment": {
          "type": "object",
          "required": [
            "image", "variables", "executor", "resources", "requirements", "extra_data"
          ],
          "properties": {
            "image": {"type": ["string", "null"]},
            "variables": {
              "type": "object",
              "required": ["sources"],
              "properties": {
                "sources": {"type": "array", "items": {"$ref": "#/definitions/source"}},
                "merged": {
                  "type": "object",
                  "additionalProperties": {"$ref": "#/definitions/mergedValue"},
                  "propertyNames": {"$ref": "#/definitions/variableName"}
                }
              },
              "additionalProperties": false
            },
            "executor": {"enum": ["LocalExecutor", "DaskExecutor", "SlurmExecutor"]},
            "resources": {
              "type": "object",
              "required": ["memory", "cpu", "gpu", "process_on", "counters"],
              "properties": {
                "memory": {"type": "integer", "minimum": 0, "maximum": \#(QuantityLimit.maximumMemory)},
                "cpu": {"type": "number", "minimum": 0, "maximum": \#(Int64(QuantityLimit.maximumCPUs))},
                "gpu": {"type": "number", "minimum": 0, "maximum": \#(QuantityLimit.maximumGPUs)},
                "gpu_memory": {"type": "integer", "minimum": 1, "maximum": \#(QuantityLimit.maximumMemory)},
                "process_on": {"enum": ["cpu", "gpu", "gpu_if_available"]},
                "counters": {
                  "type": "object",
                  "additionalProperties": {"type": "integer", "minimum": 0, "maximum": \#(QuantityLimit.maximumCounter)}
                }
              },
              "additionalProperties": false
            },
            "requirements": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["package", "spec", "at"],
                "properties": {
                  "package": {"type": "string"},
                  "spec": {"type": "string"},
                  "at": {"$ref": "#/definitions/at"}
                },
                "additionalProperties": false
              }
            },
            "extra_data": {}
          },
          "additionalProperties": false
        },
        "source": {
          "oneOf": [
            {
              "type": "object",
              "required": ["file", "origin", "at"],
              "properties": {
                "file": {"type": "string"},
                "optional": {"type": "boolean"},
                "origin": {"enum": ["global", "stage"]},
                "at": {"$ref": "#/definitions/at"}
              },
              "additionalProperties": false
            },
            {
              "type": "object",
              "required": ["values", "origin", "at"],
              "properties": {
                "values": {
                  "type": "object", "additionalProperties": {"type": "string"},
                  "propertyNames": {"$ref": "#/definitions/variableName"}
                },
                "origin": {"enum": ["global", "stage"]},
                "at": {"$ref": "#/definitions/at"}
              },
              "additionalProperties": false
            }
          ]
        },
        "mergedValue": {
          "oneOf": [
            {"type": ["string", "null"]},
            {
              "type": "object",
              "required": ["value", "from", "overrides"],
              "properties": {
                "value": {"type": ["string", "null"]},
                "from": {"$ref": "#/definitions/where"},
                "overrides": {"type": "array", "items": {"$ref": "#/definitions/where"}}
              },
              "additionalProperties": false
            }
          ]
        },
        "where": {
          "type": "object",
          "properties": {
            "file": {"type": "string"},
            "line": {"type": "integer"},
            "column": {"type": "integer"},
            "map": {"type": "string"},
            "value": {"type": ["string", "null"]}
          },
          "additionalProperties": false
        },
        "resolution": {
          "type": "object",
          "required": ["requirements", "packages", "actions"],
          "properties": {
            "requirements": {"type": "array", "items": {"type": "string"}},
            "packages": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["name", "version", "label", "priority", "defined_at"],
                "properties": {
                  "name": {"type": "string"},
                  "version": {"type": "string"},
                  "label": {"type": ["string", "null"]},
                  "priority": {"type": "integer"},
                  "defined_at": {"type": "string"},
                  "variant": {"type": "integer", "minimum": 0},
                  "provided_by": {"type": "string"},
                  "entry": {"type": "string"},
                  "because": {"type": "array", "items": {"type": "string"}}
                },
                "additionalProperties": false
              }
            },
            "ephemerals": {"type": "array", "items": {"type": "string"}},
            "actions": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["action", "variable", "value", "package"],
                "properties": {
                  "action": {"enum": ["prepend", "append", "set", "unset", "alias", "stop"]},
                  "variable": {"type": "string"},
                  "value": {"type": "string"},
                  "package": {"type": "string"},
                  "when": {"type": "string"}
                },
                "additionalProperties": false
              }
            }
          },
          "additionalProperties": false
        },
        "plan": {
          "type": "object",
          "required": ["order"],
          "properties": {
            "order": {"type": "integer", "minimum": 0, "maximum": \#(QuantityLimit.maximumOrder)},
            "start": {"$ref": "#/definitions/seconds"},
            "finish": {"$ref": "#/definitions/seconds"},
            "duration": {"$ref": "#/definitions/stageSeconds"},
            "duration_source": {"enum": ["estimate", "history", "unit"]},
            "device": {"enum": ["cpu", "gpu"]},
            "gpu_ids": {"type": "array", "items": {"type": "string"}},
            "gpu_decision": {
              "type": "object",
              "required": [
                "request", "visibility", "evidence", "driver", "engine", "image", "outcome",
                "reason", "gpu_ids"
              ],
              "properties": {
                "request": {"type": "object"},
                "visibility": {"type": "object", "additionalProperties": {"type": "string"}},
                "evidence": {"type": "array", "items": {"type": "object"}},
                "driver": {"type": ["object", "null"]},
                "engine": {"type": ["object", "null"]},
                "image": {"type": ["object", "null"]},
                "outcome": {"enum": ["gpu", "cpu", "refused"]},
                "reason": {"type": ["string", "null"]},
                "gpu_ids": {"type": "array", "items": {"type": "string"}}
              }
            }
          },
          "patternProperties": {"^x-": {}},
          "additionalProperties": false
        },
        "schedule": {
          "type": "object",
          "required": [
            "method", "makespan", "lower_bound", "gap", "first_pass_makespan", "capacity", "notes"
          ],
          "properties": {
            "method": {"type": "string"},
            "makespan": {"$ref": "#/definitions/seconds"},
            "lower_bound": {
              "type": "object",
              "required": ["value", "binding", "critical_path", "resources"],
              "properties": {
                "value": {"$ref": "#/definitions/seconds"},
                "binding": {"type": "string"},
                "critical_path": {"$ref": "#/definitions/seconds"},
                "resources": {"type": "object", "additionalProperties": {"$ref": "#/definitions/seconds"}}
              },
              "additionalProperties": false
            },
            "gap": {"type": "number"},
            "first_pass_makespan": {"$ref": "#/definitions/seconds"},
            "capacity": {
              "type": "object",
              "additionalProperties": {
                "oneOf": [
                  {"type": "number"}, {"type": "array", "items": {"type": "string"}}
                ]
              }
            },
            "notes": {"type": "array", "items": {"type": "string"}},
            "waves": {
              "type": "object",
              "required": ["layers", "list_makespan", "idle"],
              "properties": {
                "layers": {"type": "integer", "minimum": 0},
                "list_makespan": {"$ref": "#/definitions/seconds"},
                "idle": {
                  "type": "object",
                  "additionalProperties": {
                    "type": "object",
                    "required": ["resource_seconds", "fraction"],
                    "properties": {
                      "resource_seconds": {"$ref": "#/definitions/seconds"},
                      "fraction": {"type": "number"}
                    },
                    "additionalProperties": false
                  }
                }
              },
              "additionalProperties": false
            }
          },
          "additionalProperties": false
        }
      }
    }
    """#
}
