#!/usr/bin/env bash
# Re-fetch the vendored MathJax (pinned) from the npm registry and check it byte for byte.
#
# The book loads MathJax from its own site (book/_vendor/mathjax, wired through html_static_path
# and mathjax_path in _config.yml), never from a CDN: offline, or behind a strict network, a CDN
# MathJax leaves every equation as raw TeX. We ship one component, es5/tex-chtml-full.js (TeX
# input with every TeX package built in, so nothing is loaded on demand), and the CHTML woff-v2
# fonts it loads relative to itself, plus the licence.
#
# Usage: tools/vendor_mathjax.sh          re-fetch, verify and (re)write book/_vendor/mathjax
#        tools/vendor_mathjax.sh --check  only verify the committed files against the checksums
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=3.2.2
# sha256 of the tarball `npm pack mathjax@3.2.2` downloads (npm's own integrity field is
# sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==).
TARBALL_SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
DEST=book/_vendor/mathjax

if [ "${1:-}" = "--check" ]; then
  (cd "$DEST" && sha256sum --quiet -c SHA256SUMS)
  echo "ok: $DEST matches SHA256SUMS (mathjax@$VERSION)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mathjax@$VERSION" >/dev/null)
echo "$TARBALL_SHA256  $tmp/mathjax-$VERSION.tgz" | sha256sum --quiet -c -
tar xzf "$tmp/mathjax-$VERSION.tgz" -C "$tmp"

rm -rf "$DEST"
mkdir -p "$DEST/es5/output/chtml/fonts"
cp "$tmp/package/LICENSE" "$DEST/LICENSE"
cp "$tmp/package/es5/tex-chtml-full.js" "$DEST/es5/"
cp -r "$tmp/package/es5/output/chtml/fonts/woff-v2" "$DEST/es5/output/chtml/fonts/"
echo "$VERSION" > "$DEST/VERSION"
(cd "$DEST" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
# The committed checksums must not change when the same version is re-fetched.
if git rev-parse --verify -q HEAD:"$DEST/SHA256SUMS" >/dev/null; then
  git show HEAD:"$DEST/SHA256SUMS" | diff - "$DEST/SHA256SUMS" \
    || { echo "FAIL: mathjax@$VERSION differs from the committed checksums" >&2; exit 1; }
fi
echo "vendored mathjax@$VERSION into $DEST ($(du -sh "$DEST" | cut -f1))"
