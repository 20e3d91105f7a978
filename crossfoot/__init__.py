"""crossfoot: ties out the numbers in Chinese departmental disclosures.

This package holds orchestration and the command line; the work is done in
``extraction`` (file -> Document -> claims), ``rules`` (findings), ``models``
(department features and anomaly scores) and ``corpus`` (generated reports).
"""

__version__ = "0.1.0"

from pathlib import Path as _Path

# The Streamlit script of the app (``crossfoot app`` runs it; so does ``streamlit run``).
APP_SCRIPT = _Path(__file__).resolve().parent / "app.py"
