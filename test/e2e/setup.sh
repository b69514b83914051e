#!/usr/bin/env bash
# Installs what the end-to-end suite needs, skipping whatever is already there:
#   - Debian packages: chromium (the browser we drive), ripgrep (Quick Open's file search and
#     code-server's install), libkrb5-dev + build tools (code-server's native modules).
#   - code-server (the real VS Code workbench over HTTP), into $E2E_CACHE/code-server-<version>.
#   - playwright-core (drives chromium), into $E2E_CACHE/driver.
# Only the npm registry and Debian apt are contacted: @vscode/ripgrep's GitHub download is
# avoided by pre-seeding its cache with Debian's rg binary.
#
# Environment: E2E_CACHE (default ~/.cache/contrastive-lab-e2e), CODE_SERVER_VERSION (4.100.3),
# PLAYWRIGHT_CORE_VERSION (1.65.1), E2E_NO_APT=1 to fail instead of calling apt-get.
set -euo pipefail

CACHE=${E2E_CACHE:-$HOME/.cache/contrastive-lab-e2e}
CS_VERSION=${CODE_SERVER_VERSION:-4.100.3}
PW_VERSION=${PLAYWRIGHT_CORE_VERSION:-1.65.1}
CS_DIR="$CACHE/code-server-$CS_VERSION"
DRIVER_DIR="$CACHE/driver"
say() { echo "[e2e setup] $*" >&2; }
fail() { say "error: $*"; exit 1; }

# 1. Debian packages
need=()
for pkg in build-essential pkg-config python3 libkrb5-dev ripgrep chromium fonts-liberation; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
  [[ ${E2E_NO_APT:-} == 1 ]] && fail "missing Debian packages: ${need[*]} (E2E_NO_APT=1 forbids apt-get)"
  run_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
  say "installing Debian packages: ${need[*]}"
  run_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  run_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v chromium >/dev/null || fail "chromium is not on PATH after installing it"
RG=$(command -v rg) || fail "rg (ripgrep) is not on PATH after installing it"

export npm_config_ignore_scripts=false npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

# 2. code-server
if [[ -f "$CS_DIR/.installed" && $(cat "$CS_DIR/.installed") == "$CS_VERSION" ]]; then
  say "code-server $CS_VERSION already installed"
else
  [[ $(node -p 'process.versions.node.split(".")[0]') == 20 ]] || fail "code-server $CS_VERSION is built for Node 20; found $(node -v)"
  say "installing code-server $CS_VERSION (native modules compile: about a minute)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR/unpack"; cd "$CS_DIR"
  echo '{"private":true}' > package.json
  # Which @vscode/ripgrep does this code-server pin, and which rg release does that one fetch?
  cs_tgz=$(npm pack --silent --pack-destination unpack "code-server@$CS_VERSION" | tail -n1)
  tar -xzf "unpack/$cs_tgz" -C unpack package/lib/vscode/npm-shrinkwrap.json
  rg_pkg_version=$(node -p "require('./unpack/package/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep'].version")
  rg_tgz=$(npm pack --silent --pack-destination unpack "@vscode/ripgrep@$rg_pkg_version" | tail -n1)
  tar -xzf "unpack/$rg_tgz" -C unpack package/lib/postinstall.js
  rg_release=$(grep -oE "^const VERSION = '[^']+'" unpack/package/lib/postinstall.js | cut -d"'" -f2)
  [[ -n $rg_release ]] || fail "cannot read the ripgrep release from @vscode/ripgrep@$rg_pkg_version"
  arch=$(uname -m); [[ $arch == x86_64 || $arch == aarch64 ]] || fail "unsupported CPU $arch"
  rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$rg_pkg_version"
  mkdir -p "$rg_cache" unpack/rg && cp "$RG" unpack/rg/rg
  tar -czf "$rg_cache/ripgrep-$rg_release-$arch-unknown-linux-musl.tar.gz" -C unpack/rg rg
  # unsafe_perm: code-server's postinstall refuses root otherwise.
  npm_config_unsafe_perm=true npm install --foreground-scripts "code-server@$CS_VERSION" > install.log 2>&1 ||
    { grep -v 'gyp info' install.log | tail -n 30 >&2; fail "npm install code-server failed (log: $CS_DIR/install.log)"; }
  rm -rf unpack
  echo "$CS_VERSION" > .installed
fi

# 3. playwright-core
if [[ -f "$DRIVER_DIR/.installed" && $(cat "$DRIVER_DIR/.installed") == "$PW_VERSION" ]]; then
  say "playwright-core $PW_VERSION already installed"
else
  say "installing playwright-core $PW_VERSION"
  rm -rf "$DRIVER_DIR"; mkdir -p "$DRIVER_DIR"
  echo '{"private":true}' > "$DRIVER_DIR/package.json"
  (cd "$DRIVER_DIR" && npm install "playwright-core@$PW_VERSION" > install.log 2>&1) || fail "npm install playwright-core failed (log: $DRIVER_DIR/install.log)"
  echo "$PW_VERSION" > "$DRIVER_DIR/.installed"
fi

echo "CODE_SERVER_BIN=$CS_DIR/node_modules/.bin/code-server"
echo "PLAYWRIGHT_CORE=$DRIVER_DIR/node_modules/playwright-core"
echo "CHROMIUM=$(command -v chromium)"
