# Ally: `make run` starts the whole stack, `make test` runs every check. `make help` lists targets.
SHELL := /bin/bash
VENV ?= .venv
WEB := $(VENV)/web/bin
RASA := $(VENV)/rasa/bin
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
RASA_DATA := --config config.yml --domain domain --data data

.DEFAULT_GOAL := help
.PHONY: help install run test lint unit unit-rasa crisis-domain validate train test-stories test-model integration test-cases lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: ## Create the virtual environments and build the widget (idempotent)
	@scripts/bootstrap.sh

run: install ## Train if needed, migrate, and start the whole stack on embedded defaults
	$(WEB)/ally up

test: install ## Run every check, in CI order
	$(MAKE) lint unit unit-rasa validate train test-stories test-model integration test-cases

lint: install ## ruff: lint and formatting
	$(WEB)/ruff check .
	$(WEB)/ruff format --check .

unit: install ## Fast unit and app tests, and the PostgreSQL tests, in the web environment
	$(WEB)/python -m pytest -m "not slow" tests/unit tests/web tests/postgres tests/fuzz

unit-rasa: install ## The shared library and the custom actions in the Rasa environment
	$(RASA)/python -m pytest -m "not slow" -p no:cacheprovider tests/unit tests/actions tests/fuzz

crisis-domain: install ## Generate the crisis responses for ALLY_LOCALE into domain/
	$(WEB)/ally crisis-domain

validate: crisis-domain ## rasa data validate, warnings are errors
	$(RASA)/rasa data validate $(RASA_DATA) --fail-on-warnings

train: install ## Train the model when data or config changed
	$(WEB)/ally train

test-stories: crisis-domain ## rasa test on the test stories; any prediction error fails
	$(RASA)/rasa test core --stories tests/stories --model models --fail-on-prediction-errors --out results

test-model: install ## Slow checks on the trained model and its data (Rasa environment)
	$(RASA)/python -m pytest -m slow -p no:cacheprovider tests/actions

integration: install ## Start the real stack on free ports and talk to it, also from Chromium
	$(WEB)/python -m pytest -m slow tests/integration
	$(WEB)/python -m pytest -m slow tests/faults
	$(WEB)/python -m pytest -m slow tests/browser
	$(WEB)/python -m pytest -m slow tests/fuzz

test-cases: install ## Start the real stack and run the dialogue test cases in tests/e2e/
	$(WEB)/python -m pytest -m slow tests/e2e

lock: ## Regenerate the constraint files from the current environments
	@{ echo "# Constraints for the Rasa environment (pip freeze of a working install; regenerate with 'make lock')."; \
	  $(RASA)/pip freeze --exclude-editable | grep -v '^ally'; } > requirements/rasa.txt
	@{ echo "# Constraints for the web environment (pip freeze of a working install; regenerate with 'make lock')."; \
	  $(WEB)/pip freeze --exclude-editable | grep -v '^ally'; } > requirements/web.txt

clean: ## Remove environments, models and local data
	rm -rf $(VENV) models .rasa results var widget/node_modules bot/web/static/dist widget/.build-stamp
