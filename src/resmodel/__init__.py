"""resmodel: need-level allocation, volume forecasting and budget projection for Swedish
municipal disability-support boards (funktionsstödsnämnder)."""

__version__ = "0.1.0"
