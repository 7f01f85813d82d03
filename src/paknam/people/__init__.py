"""Smart People: schools, teachers trained in Project-Based Learning (PBL), PBL devices.

Layers: pure modules (:mod:`terms`, :mod:`xapi`); store glue (:mod:`registry`,
:mod:`statements`, :mod:`imports`); the proposal's indicators (:mod:`indicators`); edges in
``paknam.people.routes`` and :mod:`paknam.people.cli`.
"""
