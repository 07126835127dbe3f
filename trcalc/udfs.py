"""The xlwings UDF module: set xlwings' "UDF Modules" to `trcalc.udfs` and press "Import Functions".

Every trcalc function, generated from the registry (see `addin.trcalc_udfs`).
"""
from trcalc.addin.trcalc_udfs import *  # noqa: F401,F403
from trcalc.addin.trcalc_udfs import __all__  # noqa: F401
