# Learner Wallet: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run demo test bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Learner Wallet needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[gui,test]'
	@sh packaging/qt-system-libs.sh $(PY)
	@touch $(STAMP)

## Start the app on your default wallet.
run: $(STAMP)
	@sh packaging/qt-system-libs.sh $(PY) --window
	$(VENV)/bin/learner-wallet

## Start the app on a throwaway wallet full of signed example credentials.
demo: $(STAMP)
	@sh packaging/qt-system-libs.sh $(PY) --window
	$(VENV)/bin/learner-wallet --demo

## Run the whole test suite headless.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

## Print the speed figures of benchmarks/.
bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
