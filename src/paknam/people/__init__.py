"""Smart People: schools, teachers trained in Project-Based Learning (PBL), PBL devices.

The shape every domain has (energy, economy, people alike):

- manifest and tables: :mod:`~paknam.people.domain`, :mod:`~paknam.people.schema`;
  errors: :mod:`~paknam.people.errors`;
- :mod:`~paknam.people.service` — the operations on the store, and **the only module that
  opens transactions** (``store.read()`` / ``store.write()``). It returns plain Python
  values; the edges serialise them;
- edges, which call the service and nothing that touches SQL:
  :mod:`paknam.people.routes` (HTTP), :mod:`~paknam.people.cli` (commands),
  :mod:`~paknam.people.demo` (demo loader);
- store glue, every function taking the caller's ``Connection``:
  :mod:`~paknam.people.schools`, :mod:`~paknam.people.terms` (the packaged calendar under
  the stored terms), :mod:`~paknam.people.imports`, :mod:`~paknam.people.statements`
  (xAPI ingest and school gateways), :mod:`~paknam.people.indicators`;
- pure (plain values in and out): :mod:`~paknam.people.xapi` (the statement check).
"""
