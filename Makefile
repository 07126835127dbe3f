# trcalc — the two commands a newcomer needs:
#   make run    set up .venv, build the templates, compute the samples, start the server
#   make test   set up .venv and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench fuzz install wheel templates samples serve clean docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip "setuptools>=77"
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	@bash tests/office/setup.sh
	@bash tests/setup-browser.sh
	@bash tests/setup-libreoffice.sh
	@bash tests/lite/setup.sh
	@bash tests/setup-deploy.sh
	$(BIN)/ruff check calc addin lite libreoffice server templates workbook trcalc bench tests fuzz
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

# The installable wheel (dist/trcalc-*.whl): the folders are `trcalc.<folder>` (pyproject.toml).
wheel: $(STAMP)
	rm -rf build
	$(BIN)/pip wheel -q --no-deps --no-build-isolation -w dist .
	@ls dist/trcalc-*.whl

# The documentation (docs/, mkdocs.yml): the generated pages rewritten from the code, then the site in site/.
docs: $(STAMP)
	$(BIN)/trcalc docs --write
	$(BIN)/mkdocs build --strict

templates: $(STAMP)
	$(BIN)/trcalc templates

samples: templates
	@mkdir -p out
	@for f in templates/examples/*.xlsx; do \
	  $(BIN)/trcalc compute "$$f" "out/$$(basename "$$f")" || exit 1; \
	done

run: samples
	@echo "örnek — posta ithalatı: TR_DUTY(60, 10, 5, DE, 20%, 2025-03-01) = $$($(BIN)/trcalc call TR_DUTY 60 10 5 DE 20% 2025-03-01) EUR"
	@echo "örnek — dahilde işleme: TR_TEV(100000, 10000, 5000, 1, 10%, 30) = $$($(BIN)/trcalc call TR_TEV 100000 10000 5000 1 10% 30) TL"
	@echo "computed sample workbooks are in out/"
	$(BIN)/trcalc serve

# Not part of `make test` (random by design, a few minutes; see fuzz/__init__.py): the property
# tests with many random examples, then >= 200,000 random calls over every function, the CLI and
# >= 10,000 HTTP requests to a live server; every non-CalcError exception and every 5xx printed.
fuzz: $(STAMP)
	TRCALC_HYPOTHESIS_PROFILE=fuzz TRCALC_FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest -q -n 2 -p no:cacheprovider \
	  tests/test_properties.py tests/test_exact_money.py
	$(BIN)/python -m fuzz --calls 200000 --cli 3000 --http 10000 --seconds 900

bench: $(STAMP)
	@bash bench/setup.sh
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) out .pytest_cache site
