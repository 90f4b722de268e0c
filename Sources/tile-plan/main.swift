import TilePlan

TilePlanCommand.main()
