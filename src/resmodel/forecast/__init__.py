"""Volume forecasting: the long-table forecasting API with backtests, the stock–flow cohort model,
the queue of decisions not executed, and nowcasting of late state-assistance invoices.

Pure core: no file, network, environment or clock access (files are read in ``resmodel.io``)."""

from resmodel.forecast.forecaster import MODEL_NAMES, Forecaster, make_model
from resmodel.forecast.frame import DS, ID, Y
from resmodel.forecast.interface import VolumeForecast, forecast_volumes

__all__ = ["DS", "ID", "MODEL_NAMES", "Y", "Forecaster", "VolumeForecast", "forecast_volumes", "make_model"]
