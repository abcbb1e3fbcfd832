# The two commands: `make run` (local portal on moto with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-future mutation lint translations compile-translations package publish-static infra deploy rollback teardown rotate-keys bench bench-expiry bench-notifications bench-cold bench-sales clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

compile-translations: $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d portal/translations

run: $(STAMP) compile-translations
	$(PY) -m portal.local

test: $(STAMP) compile-translations
	bash scripts/ensure-browser.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

# The fast part: the pure domain and the services on the in-memory store, plus the store contract (no browser).
test-fast: $(STAMP) compile-translations
	$(VENV)/bin/pytest -q tests/unit tests/contract

# The whole suite with every clock moved five years ahead (time-machine, ticking): no test may mix the real
# clock with fixed dates (issue 11's time bombs). Same tests, same result as `make test`.
test-future: $(STAMP) compile-translations
	bash scripts/ensure-browser.sh
	$(VENV)/bin/pytest --years-ahead 5

# Mutation testing of the pure domain (portal/domain/) against the fast unit tests (tests/unit), with mutmut
# (configured in pyproject.toml). About 3-5 minutes on 2 cores; not part of `make test`. Survivors must be listed,
# with their reason, in tests/mutation/EQUIVALENT.md; the score line and any unexplained survivor end the run.
mutation: $(STAMP) compile-translations
	rm -rf mutants && mkdir -p artifacts
	start=$$(date +%s); $(VENV)/bin/mutmut run --max-children 2 > artifacts/mutmut.log 2>&1; \
		echo "mutmut run: $$(( $$(date +%s) - start )) s (log: artifacts/mutmut.log)"
	$(PY) -m tests.mutation.score

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Extract every translatable string and merge it into the zh catalogue (then translate what is new).
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o portal/translations/messages.pot .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching --ignore-obsolete

# The Lambda package (issue 14): a runtime-only virtualenv on the stage's runtime Python, `zappa package`, then
# unused data pruned and bytecode compiled in (portal/tools/build_package.py); the check enforces the 15 MB budget.
package: $(STAMP) compile-translations
	$(PY) -m portal.tools.build_package --stage $${STAGE:-dev}
	$(PY) -m portal.tools.check_package dist/portal-$${STAGE:-dev}.zip

# The public site (issue 14): content-hashed CSS/JS (immutable) and every public page in zh and en (five minutes'
# caching), rendered from templates/site/ with the document types MD keeps, to PORTAL_STATIC_BUCKET behind CloudFront.
publish-static: $(STAMP) compile-translations
	$(PY) -m portal.tools.publish_static

# Cold start of the unzipped package against a bare Flask app, side by side, on the runtime's Python (issue 14).
bench-cold: $(STAMP)
	test -f dist/portal-$${STAGE:-dev}.zip || $(MAKE) package
	$(PY) -m tests.bench.cold --stage $${STAGE:-dev}

infra: $(STAMP)
	$(PY) -m portal.tools.render_infra

# The one deploy path (README "Deploying to AWS: from an empty account and back"): SES identity stack, main stack, keys, package, static
# files, `zappa deploy`/`update`, schedules. DRY_RUN=1 prints the resolved settings and every command, touching nothing.
deploy:
	DRY_RUN=$(DRY_RUN) $(PY) -m portal.tools.deploy deploy $${STAGE:-dev}

rollback:
	DRY_RUN=$(DRY_RUN) $(PY) -m portal.tools.deploy rollback $${STAGE:-dev}

# Function, API, schedules and stacks go; tables, buckets, logs, the SES identity and the keys stay.
teardown:
	DRY_RUN=$(DRY_RUN) $(PY) -m portal.tools.deploy teardown $${STAGE:-dev}

# FINISH=1 ends a rotation (drops the previous keys) once sessions and tokens signed with them have expired.
rotate-keys:
	DRY_RUN=$(DRY_RUN) $(PY) -m portal.tools.deploy rotate-keys $${STAGE:-dev} $(if $(FINISH),--finish)

bench-expiry: $(STAMP)
	$(PY) -m tests.bench.expiry

bench-notifications: $(STAMP)
	$(PY) -m tests.bench.notifications

bench-sales: $(STAMP)
	$(PY) -m tests.bench.sales_import

bench: $(STAMP)
	$(PY) -m tests.bench.page_calls

clean:
	rm -rf .build dist artifacts .pytest_cache
