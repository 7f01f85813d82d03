"""Water-quality indices and classes, pure: no I/O, no database, no settings.

- :mod:`~paknam.environment.wqi.thai`: PCD's surface-water WQI of one sample;
- :mod:`~paknam.environment.wqi.tables`: its bands and (provisional) score curves;
- :mod:`~paknam.environment.wqi.parameters`: the parameter registry (names, units, checks);
- :mod:`~paknam.environment.wqi.period`: PCD's monthly and yearly rules;
- :mod:`~paknam.environment.wqi.water_class`: the surface-water standard class (1994);
- :mod:`~paknam.environment.wqi.malaysia`, :mod:`~paknam.environment.wqi.ccme`: indices for
  comparison; :mod:`~paknam.environment.wqi.oxygen`: DO saturation;
- :mod:`~paknam.environment.wqi.marine`: the marine index bands;
- :mod:`~paknam.environment.wqi.cli`: ``paknam wqi``.

Errors are in :mod:`paknam.environment.errors`.
"""

from paknam.environment.wqi.period import monthly_wqi, yearly_wqi
from paknam.environment.wqi.thai import WQIResult, compute_wqi

__all__ = ["WQIResult", "compute_wqi", "monthly_wqi", "yearly_wqi"]
