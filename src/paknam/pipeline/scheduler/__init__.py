"""The pipeline's scheduler: ``paknam run`` runs every periodic job
(the domains' rules through the alert pipeline, the alert pipeline alone, the notification
worker, and registered jobs such as source harvests) and records each run in ``job_runs``;
a lease in ``job_leases`` keeps one job from running twice at once, also across processes
sharing one PostgreSQL. The indicator board is not a job (the API computes it on request).

Modules: ``jobs`` (the ``Job`` list), ``loop`` (``Scheduler``), ``leases``, ``runs``,
``streams`` (streaming sources in supervised background threads), ``config`` (settings),
``cli`` (``paknam run``).
See docs/scheduler.md.
"""
