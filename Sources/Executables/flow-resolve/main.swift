import FlowResolveTool

FlowResolveMain.main()
