"""Smart Economy: community attractions and products (OTOP), visitors and tourism revenue.

Layers, as in every domain: pure modules (:mod:`hours`, :mod:`search_text`,
:mod:`tourism`) that take values and return values; store glue (:mod:`catalogue`,
:mod:`visits`, :mod:`imports`); the proposal's indicators (:mod:`indicators`); edges in
``paknam.economy.routes`` and :mod:`paknam.economy.cli`.
"""
