import FlowExecTool

FlowExecMain.main()
