"""Thai Air Quality Index (PCD), pure: no I/O, no database, no settings.

- :mod:`~paknam.environment.aqi.index`: the AQI of one set of concentrations (exact decimal
  arithmetic, reproduces PCD's published sub-indices);
- :mod:`~paknam.environment.aqi.tables`: PCD's breakpoint tables, chosen by date;
- :mod:`~paknam.environment.aqi.levels`: the five levels, colours and advice;
- :mod:`~paknam.environment.aqi.array`: the same over numpy arrays;
- :mod:`~paknam.environment.aqi.rolling`: the averaging windows from hourly data;
- :mod:`~paknam.environment.aqi.cli`: ``paknam aqi``.

Errors are in :mod:`paknam.environment.errors`.
"""

from paknam.environment.aqi.index import AQIResult, compute_aqi, sub_index, sub_indices

__all__ = ["AQIResult", "compute_aqi", "sub_index", "sub_indices"]
