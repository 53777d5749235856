# Two commands after cloning (see README.md):
#   make serve   build the book offline and serve it on http://127.0.0.1:8000
#   make test    run the whole test suite in parallel (unit, property, nbgrader, notebooks via nbval, site)
# Everything installs from constraints.txt, the committed lock of every transitive version; the site's browser
# assets (MathJax) install with `npm ci` from package-lock.json and are served from the site itself.

# Supported Pythons: 3.11, 3.12 and 3.13 (pyproject.toml). `make test PYTHON=python3.13` runs the suite under
# another one, in its own environment (.venv-python3.13), so runs under two Pythons never share a .venv.
PYTHON ?= python3
VENV   ?= $(if $(filter python3,$(PYTHON)),.venv,.venv-$(notdir $(PYTHON)))
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
# `make book BOOK_OUT=DIR` builds into DIR/_build/html (the browser tests build a fresh copy this way).
BOOK_OUT ?= .

# MathJax is vendored into _vendor/ (git-ignored), which _config.yml serves as the site's _static/.
# Only what the pages use: the TeX-to-CommonHTML component, its web fonts, and the TeX extensions it
# autoloads on demand (\color, \boldsymbol, \cancel, ...).
NODE_STAMP    := node_modules/.installed
VENDOR        := _vendor
VENDOR_STAMP  := $(VENDOR)/.installed
MATHJAX_FILES := tex-chtml.js output/chtml/fonts/woff-v2 input/tex/extensions

.PHONY: book serve test exercises execute links lock bench dist clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make book needs npm (Node.js) to install MathJax: apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

$(VENDOR_STAMP): $(NODE_STAMP) Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/mathjax
	cd node_modules/mathjax/es5 && tar cf - $(MATHJAX_FILES) | tar xf - -C "$(CURDIR)/$(VENDOR)/mathjax"
	cp node_modules/mathjax/LICENSE $(VENDOR)/mathjax/LICENSE
	printf 'MathJax %s (npm package "mathjax", pinned by package-lock.json), Apache License 2.0: see LICENSE.\n' \
	  "$$(node -p 'require("./node_modules/mathjax/package.json").version')" > $(VENDOR)/mathjax/README.txt
	touch $(VENDOR_STAMP)

book: $(STAMP) $(VENDOR_STAMP)
	$(BIN)/jupyter-book build --warningiserror --keep-going --path-output "$(BOOK_OUT)" .
	@# Leaner site: the themes' source maps (debugging aids, 3.4 MB) and their build-time translation
	@# catalogues are never fetched by a reader's browser.
	find "$(BOOK_OUT)/_build/html/_static" -name '*.map' -delete
	sed -i '/sourceMappingURL=/d' "$(BOOK_OUT)"/_build/html/_static/scripts/*.js "$(BOOK_OUT)"/_build/html/_static/styles/*.css
	rm -rf "$(BOOK_OUT)/_build/html/_static/locales"
	@echo "Book built: open $(BOOK_OUT)/_build/html/index.html (or run 'make serve')"

serve: book
	@echo "Serving the book on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# The suite runs in parallel (pytest-xdist, PYTEST_WORKERS processes, default one per core plus one: a worker
# spends part of its time waiting on a notebook kernel or the browser, and the extra worker fills those gaps;
# measured on 2 cores, alternating runs: 2 workers 88.8 s mean of 4, 3 workers 85.8 s mean of 5). A file's tests
# stay on one worker (--dist loadfile): a notebook's cells (nbval) run in order on one kernel, and module
# fixtures run once. Files start in collection order, longest first (tests/conftest.py, LONGEST_FIRST).
# Each worker (and each notebook kernel it starts) uses one BLAS thread: the workers already fill the cores, and
# OpenBLAS's own threads on top of them oversubscribe the machine (measured: 103 s against 91 s on 2 cores).
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
PYTEST_ARGS ?=
# Gadre et al.'s table (chapters 4, 5 and 7, practice 5, their tests and benchmarks, the lab's anchor refit) is
# read from a checked copy beside the repository, ../shared/data/gadre2024, when there is one and
# SCALINGLAWS_GADRE2024 is not set; otherwise the loader uses the user's cached copy or fetches it from the
# authors' release (scalinglaws.runs).
GADRE2024_COPY := $(abspath $(CURDIR)/../shared/data/gadre2024)
ifeq ($(origin SCALINGLAWS_GADRE2024),undefined)
ifneq ($(wildcard $(GADRE2024_COPY)/runs.csv),)
test exercises execute bench: export SCALINGLAWS_GADRE2024 := $(GADRE2024_COPY)
endif
endif
test: export OPENBLAS_NUM_THREADS := 1
test: export OMP_NUM_THREADS := 1
# Python caches compiled modules (__pycache__/, git-ignored) even where the shell sets PYTHONDONTWRITEBYTECODE
# (empty means unset): without the cache, pytest rewrites every test module again in every worker (1.5 s each).
test: export PYTHONDONTWRITEBYTECODE :=
test: export PYTHON := $(PYTHON)
test: export VENV := $(VENV)
test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# Regenerate the student notebooks in exercises/ from solutions/ (and execute them).
exercises: $(STAMP)
	$(BIN)/python -m scalinglaws.course.assignments

# Write repository.url (_config.yml) into every notebook's Colab install cell and the README/learner install lines.
links: $(STAMP)
	$(BIN)/python tools/repository_links.py

# Re-execute every notebook in place so its stored outputs are current.
execute: $(STAMP)
	$(BIN)/python -m scalinglaws.course.assignments --execute-all

# The package alone, for students who need it without the repository: dist/scalinglaws-<version>.tar.gz and
# -py3-none-any.whl (instructor.md: hand the wheel out or host it). The build environment is pinned by the lock.
dist: $(STAMP)
	rm -rf dist
	PIP_CONSTRAINT="$(CURDIR)/constraints.txt" $(BIN)/python -m build --outdir dist .
	@echo "Built: $$(ls dist | tr '\n' ' ')"

# benchmarks/site_load.py builds the book and prints every page's weight, first paint and load event on a slow
# connection; `--site DIR` measures another build (such as another branch's _build/html) to compare.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/site_load.py
	$(BIN)/python benchmarks/fit_approach3.py
	$(BIN)/python benchmarks/fit_overtraining.py
	$(BIN)/python benchmarks/lab_service.py

# Re-resolve the lock from pyproject.toml in a throwaway environment. setuptools is removed first, so the lock
# pins the release the resolver picks for the packages that need it at run time (nbgrader), not the copy that
# one Python's venv happens to ship (3.11's 65.5.0 breaks on 3.12 and 3.13). Check the new lock with
# `make test` and `make test PYTHON=python3.13` before committing it (CONTRIBUTING.md).
LOCK_VENV := /tmp/scalinglaws-lock
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip uninstall --quiet --yes setuptools
	$(LOCK_VENV)/bin/python -m pip install --quiet -e ".[dev]"
	$(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable | grep -v '^scalinglaws' > constraints.txt

clean:
	rm -rf _build .venv .venv-* $(VENDOR) node_modules dist
