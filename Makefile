# Two commands after cloning (see README.md):
#   make serve   build the book offline and serve it on http://127.0.0.1:8000
#   make test    run the whole test suite (unit, property, notebooks via nbval, site)
# Everything installs from constraints.txt, the committed lock of every transitive version.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: book serve test exercises execute lock bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build --warningiserror --keep-going .
	@echo "Book built: open _build/html/index.html (or run 'make serve')"

serve: book
	@echo "Serving the book on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerate the student notebooks in exercises/ from solutions/ (and execute them).
exercises: $(STAMP)
	$(BIN)/python -m scalinglaws.assignments

# Re-execute every notebook in place so its stored outputs are current.
execute: $(STAMP)
	$(BIN)/python -m scalinglaws.assignments --execute-all

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/fit_approach3.py

# Re-resolve the lock from pyproject.toml in a throwaway environment.
lock:
	rm -rf /tmp/scalinglaws-lock && $(PYTHON) -m venv /tmp/scalinglaws-lock
	/tmp/scalinglaws-lock/bin/python -m pip install --quiet --upgrade pip
	/tmp/scalinglaws-lock/bin/python -m pip install --quiet -e ".[dev]"
	/tmp/scalinglaws-lock/bin/python -m pip freeze --all --exclude-editable | grep -v '^scalinglaws' > constraints.txt

clean:
	rm -rf _build $(VENV)
