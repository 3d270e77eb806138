"""Budget core (issue 4): multi-year projection, the council's frame, budget deviation by report
area, Monte Carlo, sensitivity, scenario comparison, in-year forecast and charts.

Pure: every function takes in-memory tables (pandas/numpy) and returns tables; nothing here reads
files, the network, the environment or the clock. See docs/budget.md for formats and method."""
