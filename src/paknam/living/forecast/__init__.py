"""Water-level forecasts 72 h ahead: level = tide + residual, with intervals (pure science).

- :mod:`~paknam.living.forecast.engine`: ``TideEngine``, ``train`` and ``forecast``;
- :mod:`~paknam.living.forecast.surge`, :mod:`~paknam.living.forecast.surge_features`: the
  residual (surge) model per lead;
- :mod:`~paknam.living.forecast.io`: UTC times, hourly grids, JSON-able engine parts;
- :mod:`~paknam.living.forecast.seasonal`: the upper Gulf's seasonal prior for short records;
- :mod:`~paknam.living.forecast.level_rules`: warning levels and the warning a forecast raises;
- :mod:`~paknam.living.forecast.backtest`, :mod:`~paknam.living.forecast.backtest_scores`:
  replay without look-ahead and its scores (``paknam tides backtest``);
- :mod:`~paknam.living.forecast.simulate`: the demo's **simulated** station.

Nothing here opens a store: :mod:`paknam.living.service` reads and writes.
"""
