"""Readers of the water-level files a province brings (generic CSV, UHSLC, DIA, ...).

- :mod:`~paknam.living.readers.water_levels`: ``read_water_levels`` (format detected by
  content) and ``WaterLevels``, the checked hourly record;
- :mod:`~paknam.living.readers.formats`, :mod:`~paknam.living.readers.dia`: the parsers
  (text in, arrays out);
- :mod:`~paknam.living.readers.quality`: hourly regularisation, gaps and spike flags.
"""
