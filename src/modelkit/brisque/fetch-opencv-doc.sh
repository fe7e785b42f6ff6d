#!/usr/bin/env bash
# Unpacks Debian's opencv-doc (BRISQUE LIVE model, range file, rubberwhale1.png) without installing it system-wide.
# Usage: src/modelkit/brisque/fetch-opencv-doc.sh [DEST]   (default .cache/opencv-doc in the project; tests read
#        $OPENCV_DOC_DIR, default .cache/opencv-doc/usr/share/doc/opencv-doc). `npm run setup -- --for-tests` runs it.
set -euo pipefail
dest="${1:-$(cd "$(dirname "$0")/../../.." && pwd)/.cache/opencv-doc}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -f "$dest/usr/share/doc/opencv-doc/examples/quality/brisque_model_live.yml" ]; then
  echo "opencv-doc already unpacked in $dest"
  exit 0
fi
apt-get update -qq
(cd "$work" && apt-get download opencv-doc)
mkdir -p "$dest"
dpkg-deb -x "$work"/opencv-doc_*.deb "$dest"
# Some releases gzip the examples.
find "$dest/usr/share/doc/opencv-doc/examples" \( -name 'brisque_*.yml.gz' -o -name 'rubberwhale1.png.gz' \) -exec gunzip -f {} +
ls -l "$dest/usr/share/doc/opencv-doc/examples/quality/"brisque_*_live.yml "$dest/usr/share/doc/opencv-doc/examples/data/rubberwhale1.png"
