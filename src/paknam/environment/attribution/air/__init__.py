"""Air source attribution from wind and time at one station and its neighbours.

:mod:`~paknam.environment.attribution.air.explain` is the public surface
(:func:`~paknam.environment.attribution.air.explain.explain_air_source` and the building
blocks); the steps are ``wind`` (conventions), ``inputs``, ``rose``, ``cpf``, ``profiles``,
``stations``, ``evidence`` and ``text``.
"""
