"""Canal source attribution: where along the khlong network a quality drop first appears.

:mod:`~paknam.environment.attribution.water.explain` is the public surface
(:func:`~paknam.environment.attribution.water.explain.explain_water_drop` and the building
blocks); the steps are ``network`` (the reach graph and flow), ``drops``, ``trace`` and
``text``.
"""
