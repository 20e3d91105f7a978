"""crossfoot: ties out the numbers in Chinese departmental disclosures.

This package holds orchestration and the command line; the work is done in
``extraction`` (file -> Document -> claims), ``rules`` (findings), ``models``
(department features and anomaly scores) and ``corpus`` (generated reports).
"""

__version__ = "0.1.0"
