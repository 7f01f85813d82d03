"""The scheduler (an edge, like the CLI and the API): ``paknam run`` runs every periodic job
(source harvests, the domains' rules through the alert pipeline, the notification worker,
the indicator refresh) and records each run; a lease keeps one job from running twice at
once, also across processes sharing one PostgreSQL."""
