# union_portal — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)

.PHONY: venv locale run test check bench clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

# The Chinese catalogue (locale/*/LC_MESSAGES/django.po) compiled with Babel (pure Python, pinned in
# requirements.txt), so no system gettext is needed; the .mo files are build output, not committed.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	@$(BIN)/pybabel -q compile -i $< -o $@

locale: $(MO_FILES)

venv: $(STAMP) $(MO_FILES)
	@test -n "$$CERTIFICATE_FONT" -o -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || \
		echo "note: certificate PDFs need a CJK TrueType font: apt-get install -y fonts-wqy-zenhei (or set CERTIFICATE_FONT)"

## make run [PORT=8001]: demo portal on http://127.0.0.1:$(PORT) with an embedded worker (SQLite + filesystem broker by default)
run: venv
	@DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	@DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo --members $${DEMO_MEMBERS:-3000}
	@DEBUG=$${DEBUG:-1} exec $(BIN)/python manage.py runportal 127.0.0.1:$(PORT)

## make test: the whole suite; PostgreSQL/Redis when configured or answering locally, else SQLite/filesystem
test: venv
	@DEBUG=1 $(BIN)/python .ci/testenv.py $(BIN)/pytest $(PYTEST_ARGS)

check: venv
	@DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	@DEBUG=1 $(BIN)/python manage.py check

bench: venv
	@for b in $(filter-out bench/harness.py,$(wildcard bench/*.py)); do \
		echo "== $$b"; DEBUG=1 $(BIN)/python .ci/testenv.py $(BIN)/python $$b || exit 1; done

clean:
	rm -rf var .pytest_cache
