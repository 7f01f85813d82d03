"""Tidal harmonic analysis and prediction (pure: arrays in, arrays out; no I/O).

- :mod:`~paknam.living.tides.harmonics`: ``solve`` (analysis) and ``predict``, agreeing with UTide;
- :mod:`~paknam.living.tides.constituents`: Foreman's constituent table;
- :mod:`~paknam.living.tides.astro`, :mod:`~paknam.living.tides.nodal`: astronomical
  arguments and nodal corrections;
- :mod:`~paknam.living.tides.selection`: constituents a record can resolve (Rayleigh);
- :mod:`~paknam.living.tides.lsq`: the (robust) least-squares fit;
- :mod:`~paknam.living.tides.confidence`: confidence intervals of amplitudes and phases;
- :mod:`~paknam.living.tides.tidetime`: times as days since the analysis epoch.
"""
