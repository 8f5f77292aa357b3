# The web app's part of the root Makefile (included with `-include web/web.mk`).
#   $(WEB_BUILD)  the production build (npm ci when node_modules is missing or stale, then vite build)
#   $(WEB_LINT)   tsc --noEmit, oxlint, prettier --check, and the OpenAPI client drift check
#   $(WEB_TEST)   vitest, the bundle size budget, then the Playwright browser tests (e2e)
#   e2e           the Playwright browser tests alone, on Debian's Chromium against the real API

WEB_DEPS := web/node_modules/.package-lock.json
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts \
	web/tsconfig.json web/tsconfig.app.json web/tsconfig.node.json

WEB_BUILD := web/dist/index.html
WEB_LINT := web-lint
WEB_TEST := web-test

# npm ci only when node_modules is missing or older than the lock (npm writes this file last).
$(WEB_DEPS): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20.19+ (https://nodejs.org) first" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	cd web && npm run build

web-deps: $(WEB_DEPS) ## Install the web app's locked npm dependencies

web-build: $(WEB_BUILD) ## Build the web app into web/dist

web-lint: $(WEB_DEPS) $(STAMP) ## Web: tsc, oxlint, prettier --check, OpenAPI client drift check, lock without URLs
	@! grep -qE 'https?://' web/package-lock.json || { echo "web/package-lock.json contains URLs (registry or funding): remove them (npm config omit-lockfile-registry-resolved=true; delete the funding entries)" >&2; exit 1; }
	cd web && npm run typecheck
	cd web && npm run lint
	cd web && npm run format:check
	cd web && PYTHON=$(abspath $(BIN))/python npm run api:check

web-api: $(WEB_DEPS) $(STAMP) ## Regenerate the typed API client from the backend's OpenAPI
	cd web && PYTHON=$(abspath $(BIN))/python npm run api:generate

web-test: $(WEB_BUILD) ## Web: unit tests, bundle budget, browser tests
	cd web && npm test
	cd web && npm run budget
	$(MAKE) --no-print-directory e2e

# Browser tests need Debian's Chromium; install it when it is missing (never a downloaded browser).
web-chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "web: /usr/bin/chromium is missing; installing Debian's chromium package for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends chromium \
	    || { echo "web: could not install chromium; install it with: sudo apt-get install chromium" >&2; exit 1; }; \
	fi

e2e: web-chromium $(STAMP) $(WEB_BUILD) ## Browser tests (Playwright + Chromium) against the real API
	cd web && E2E_SKIP_BUILD=1 npx playwright test

web-bench: web-chromium $(STAMP) $(WEB_BUILD) ## Measure the web app; writes bench/results/web.json
	cd web && E2E_SKIP_BUILD=1 npm run bench

.PHONY: web-deps web-build web-lint web-api web-test web-chromium e2e web-bench
