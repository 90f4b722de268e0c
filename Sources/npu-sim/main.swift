import NpuSim

NpuSimCommand.main()
