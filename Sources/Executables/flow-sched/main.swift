import FlowSchedTool

FlowSchedMain.main()
