"""Smart Living (ความเป็นอยู่): water levels, tides and surge forecasts, high-water warnings.

- ``domain.py``: the manifest the registry reads (routers, CLI, tables, indicators, rules);
- ``schema.py``: the domain's tables; ``store.py``: the SQL on them (takes a connection);
- ``service.py``: the transactions (forecast run, warning levels, newest forecast);
- ``routes.py``, ``cli.py``, ``backtest_cli.py``: the edges; ``indicators.py``; ``demo.py``;
- ``tides/``, ``forecast/``, ``readers/``: the science and the file readers (no store);
- ``errors.py``: the domain's exceptions.
"""
