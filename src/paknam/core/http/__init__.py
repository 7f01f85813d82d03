"""HTTP support shared by the platform's and the domains' routers: dependencies (store,
authenticated principals, time parameters) and JSON responses."""
