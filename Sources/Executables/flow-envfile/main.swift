import FlowEnvfileTool

FlowEnvfileMain.main()
