"""The pipeline from evidence to people, between the edges (api, cli) and the domains.

- :mod:`paknam.pipeline.flow`: rules → warnings → CAP alerts → deliveries, one policy;
- :mod:`paknam.pipeline.demo`: the demo, orchestrated once;
- :mod:`paknam.pipeline.scheduler`: ``paknam run``, every periodic job.

Nothing is imported here, so that ``paknam --help`` or ``paknam aqi`` do not load the
database layer and the alert code.
"""
