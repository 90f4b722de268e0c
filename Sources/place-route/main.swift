import PlaceRoute

PlaceRouteCommand.main()
