"""paknam — the open-source city data platform for Samut Prakan and any Thai province."""

__version__ = "0.1.0"
