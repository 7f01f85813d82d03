"""Smart Energy: PV sites, expected output, performance ratio, energy balance, sharing.

The shape every domain has (energy, economy, people alike):

- manifest and tables: :mod:`~paknam.energy.domain`, :mod:`~paknam.energy.schema`;
  errors: :mod:`~paknam.energy.errors`;
- :mod:`~paknam.energy.service` — the operations on the store, and **the only module that
  opens transactions** (``store.read()`` / ``store.write()``). It returns plain Python
  values; the edges serialise them;
- edges, which call the service and nothing that touches SQL:
  :mod:`paknam.energy.routes` (HTTP), :mod:`~paknam.energy.cli` (commands),
  :mod:`~paknam.energy.demo` (demo loader);
- store glue, every function taking the caller's ``Connection``:
  :mod:`~paknam.energy.sites`, :mod:`~paknam.energy.community`,
  :mod:`~paknam.energy.ledger`, :mod:`~paknam.energy.readings`,
  :mod:`~paknam.energy.indicators`;
- pure (plain values in and out, no store): :mod:`~paknam.energy.imports` (file parsing),
  :mod:`~paknam.energy.reports` (answers from a site's interval data),
  :mod:`~paknam.energy.periods`, and the science in :mod:`paknam.energy.science`
  (pvmodel, performance, detect, balance, sharing, emission).
"""
