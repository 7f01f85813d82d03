"""The energy domain's pure science: values in, values out, no I/O, no store.

- :mod:`~paknam.energy.science.pvmodel` — expected PV output from weather (pvlib chain);
- :mod:`~paknam.energy.science.performance` — IEC 61724 daily yields and performance ratio;
- :mod:`~paknam.energy.science.detect` — under-performance findings with a reason;
- :mod:`~paknam.energy.science.balance` — self-consumption, self-sufficiency, CO2 avoided;
- :mod:`~paknam.energy.science.sharing` — community allocation of surplus and the bills;
- :mod:`~paknam.energy.science.emission` — the Thai grid emission factor (a table).

Kept in one sub-package because they are most of the domain's code and all of its
method: each can be read, tested and cited without a database.
"""
