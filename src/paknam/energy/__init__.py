"""Smart Energy: PV sites, expected output, performance ratio, energy balance, sharing.

Layers, as in the other domains:

- pure science (no I/O): :mod:`~paknam.energy.pvmodel` (pvlib chain for expected output),
  :mod:`~paknam.energy.performance` (IEC 61724 daily yields and PR),
  :mod:`~paknam.energy.detect` (under-performance with a reason),
  :mod:`~paknam.energy.balance` (self-consumption, self-sufficiency, CO2),
  :mod:`~paknam.energy.sharing` (community allocation and bills);
- store glue: :mod:`~paknam.energy.sites`, :mod:`~paknam.energy.readings`,
  :mod:`~paknam.energy.service`, :mod:`~paknam.energy.ledger`,
  :mod:`~paknam.energy.imports`, :mod:`~paknam.energy.indicators`;
- edges: :mod:`paknam.energy.routes`, :mod:`~paknam.energy.cli`, :mod:`~paknam.energy.demo`.
"""
