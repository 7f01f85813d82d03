"""The Traffy Fondue bridge: tickets of agencies that work in Traffy Fondue become paknam
complaints, and paknam's own changes of them go back (docs/citizens-traffy.md).

Modules: :mod:`client` (the Exchange API over httpx), :mod:`quota` / :mod:`store_quota`
(the monthly credits), :mod:`mapping` (types, states, fields; pure), :mod:`tickets`
(import and status changes in a transaction), :mod:`outbox` (pushes back, once),
:mod:`hook` (the change hook), :mod:`bridge` (the service), :mod:`routes`, :mod:`cli`.
"""
