"""Smart Governance II: citizens' complaints over Open311 GeoReport v2.

Intake with routing to agencies (:mod:`intake`, :mod:`agencies`, the service catalogue
:mod:`catalogue`), the workflow with its event log (:mod:`workflow`, :mod:`handling`,
:mod:`citizen`), SLA reminders and escalation (:mod:`sla`), duplicates (:mod:`duplicates`),
the indicator (:mod:`indicators`), the Thai text classifier (:mod:`classifier`), change
hooks for notifications (:mod:`hooks`). :mod:`service` is the store-level entry point (it
owns the transactions); :mod:`errors` holds the domain's exceptions.
"""
