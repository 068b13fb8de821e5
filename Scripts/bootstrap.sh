#!/usr/bin/env bash
# The README's first command: install what is missing, build in release mode, put `trainer` on
# the PATH, and run the main job. Run from anywhere; it works in the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/install-dependencies.sh
swift build -c release --product trainer
binary="$(swift build -c release --show-bin-path)/trainer"

# A link, not a copy, so every later `swift build -c release` is what `trainer` runs.
if [ "$(id -u)" -eq 0 ]; then
  target=/usr/local/bin/trainer
  ln -sf "$binary" "$target"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  target=/usr/local/bin/trainer
  sudo ln -sf "$binary" "$target"
else
  target="$HOME/.local/bin/trainer"
  mkdir -p "$HOME/.local/bin"
  ln -sf "$binary" "$target"
  case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) echo "note: add ~/.local/bin to PATH to run 'trainer' by name" >&2 ;; esac
fi
echo "trainer installed as $target -> $binary" >&2
