# The two commands a new user needs: `make app` and `make test`.
# Both build .venv from nothing (Python >= 3.11 and make are all that must be present).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SAMPLE := corpus/sample

.PHONY: app test venv sample bench clean chromium

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

app: $(STAMP)
	$(VENV)/bin/crossfoot app --corpus $(SAMPLE)

# The browser the end-to-end test drives (Debian's chromium; Playwright downloads nothing) and a CJK font.
chromium:
	@test -x /usr/bin/chromium -a -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || \
		(apt-get update && apt-get install -y chromium fonts-wqy-microhei)

test: $(STAMP)
	$(PY) -m pytest -q

# Rebuild the bundled sample corpus from the generator (never edit it by hand).
sample: $(STAMP)
	rm -rf $(SAMPLE)
	$(VENV)/bin/crossfoot corpus generate --out $(SAMPLE) --departments 12 --years 2023-2024 \
		--errors 0.3 --anomalies 0.15 --seed 20261125 --format both

bench: $(STAMP)
	$(PY) bench/read.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
