"""The app's script in a checkout: ``streamlit run app.py`` runs the packaged app, ``crossfoot/app.py``.

``crossfoot app`` (and ``make app``) start the same app from an installed package.
"""

import runpy

import crossfoot

runpy.run_path(str(crossfoot.APP_SCRIPT), run_name="__main__")
