import FlowParseTool

FlowParseMain.main()
