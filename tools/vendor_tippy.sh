#!/usr/bin/env bash
# Re-fetch the vendored Tippy.js and Popper (pinned) from the npm registry and check them.
#
# The previews on hover of the book's references (sphinx-tippy, configured in _config.yml) need
# Tippy.js and its positioning engine Popper. sphinx-tippy loads both from a CDN by default; the
# book serves them itself (book/_vendor/tippyjs, copied to _static/tippyjs through
# html_static_path), as it does MathJax, so that the previews work offline. We ship the two UMD
# builds that the CDN would serve (each package's "unpkg" entry) and their licences.
#
# Usage: tools/vendor_tippy.sh          re-fetch, verify and (re)write book/_vendor/tippyjs
#        tools/vendor_tippy.sh --check  only verify the committed files against the checksums
set -euo pipefail
cd "$(dirname "$0")/.."

TIPPY=6.3.7
POPPER=2.11.8
# sha256 of the tarballs `npm pack` downloads (npm integrity: tippy.js sha512-E1d3oP2emgJ9dRQZ
# df3Kkn0qJgI6ZLpyS5z6ZkY1DF3kaQaBsGZsndEpHwx+eC+tYM41HaSNvNtLx8tU57FzTQ==, @popperjs/core
# sha512-P1st0aksCrn9sGZhp8GMYwBnQsbvAWsZAX44oXNNvLHGqAOcoVxmjZiohstwQ7SqKnbR47akdNi+uleWD8+g6A==).
TIPPY_SHA256=bf63cd2e158be2100078053f4c44f02ffec8fde7f30544270785d0f2eae02626
POPPER_SHA256=8e09bdfa912035668e62cea61321bce27cbd011b85672055db25d271bd63af49
DEST=book/_vendor/tippyjs

if [ "${1:-}" = "--check" ]; then
  (cd "$DEST" && sha256sum --quiet -c SHA256SUMS)
  echo "ok: $DEST matches SHA256SUMS (tippy.js@$TIPPY, @popperjs/core@$POPPER)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "tippy.js@$TIPPY" "@popperjs/core@$POPPER" >/dev/null)
echo "$TIPPY_SHA256  $tmp/tippy.js-$TIPPY.tgz" | sha256sum --quiet -c -
echo "$POPPER_SHA256  $tmp/popperjs-core-$POPPER.tgz" | sha256sum --quiet -c -
mkdir "$tmp/tippy" "$tmp/popper"
tar xzf "$tmp/tippy.js-$TIPPY.tgz" -C "$tmp/tippy"
tar xzf "$tmp/popperjs-core-$POPPER.tgz" -C "$tmp/popper"

rm -rf "$DEST"
mkdir -p "$DEST"
cp "$tmp/tippy/package/dist/tippy-bundle.umd.min.js" "$DEST/"
cp "$tmp/tippy/package/LICENSE" "$DEST/LICENSE-tippy.js"
cp "$tmp/popper/package/dist/umd/popper.min.js" "$DEST/"
cp "$tmp/popper/package/LICENSE.md" "$DEST/LICENSE-popper.md"
printf 'tippy.js %s\n@popperjs/core %s\n' "$TIPPY" "$POPPER" > "$DEST/VERSION"
cat > "$DEST/README.md" <<README
# Tippy.js $TIPPY and Popper $POPPER, served by the site itself

The JavaScript of the previews on hover (sphinx-tippy, configured in \`_config.yml\`), unmodified
from the npm registry: \`tippy-bundle.umd.min.js\` from tippy.js@$TIPPY, \`popper.min.js\` from
@popperjs/core@$POPPER; both under the MIT licence (\`LICENSE-tippy.js\`, \`LICENSE-popper.md\`).
Written by \`tools/vendor_tippy.sh\`, which pins the tarballs' checksums; \`tools/vendor_tippy.sh
--check\` verifies these files against \`SHA256SUMS\`. Do not edit them by hand.
README
(cd "$DEST" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
# The committed checksums must not change when the same versions are re-fetched.
if git rev-parse --verify -q HEAD:"$DEST/SHA256SUMS" >/dev/null; then
  git show HEAD:"$DEST/SHA256SUMS" | diff - "$DEST/SHA256SUMS" \
    || { echo "FAIL: the vendored files differ from the committed checksums" >&2; exit 1; }
fi
echo "vendored tippy.js@$TIPPY and @popperjs/core@$POPPER into $DEST ($(du -sh "$DEST" | cut -f1))"
