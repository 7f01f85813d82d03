"""Smart Economy: community attractions and products (OTOP), visitors and tourism revenue.

The shape every domain has (energy, economy, people alike):

- manifest and tables: :mod:`~paknam.economy.domain`, :mod:`~paknam.economy.schema`;
  request models: :mod:`~paknam.economy.models`; errors: :mod:`~paknam.economy.errors`;
- :mod:`~paknam.economy.service` — the operations on the store, and **the only module that
  opens transactions** (``store.read()`` / ``store.write()``). It returns plain Python
  values; the edges serialise them;
- edges, which call the service and nothing that touches SQL:
  :mod:`paknam.economy.routes` (HTTP), :mod:`~paknam.economy.cli` (commands),
  :mod:`~paknam.economy.demo` (demo loader);
- store glue, every function taking the caller's ``Connection``:
  :mod:`~paknam.economy.catalogue`, :mod:`~paknam.economy.visits`,
  :mod:`~paknam.economy.imports`;
- pure (plain values in and out): :mod:`~paknam.economy.indicators` (from the monthly
  table), :mod:`~paknam.economy.tourism` (growth), :mod:`~paknam.economy.hours` (opening
  hours), :mod:`~paknam.economy.search_text` (Thai/English matching),
  :mod:`~paknam.economy.categories`. Few and small, so they stay beside the rest rather
  than in a ``science`` sub-package as in energy.
"""
