#!/usr/bin/env bash
# Re-fetch the vendored MathJax (pinned) from the npm registry and check it byte for byte.
#
# The book's math is typeset when the site is built, by this MathJax under node
# (book/_ext/mathjax_prerender.py): readers' browsers run no MathJax, and no CDN is ever asked.
# Two folders, each with the licence and its checksums:
# - book/_ext/mathjax: the node build the extension runs (node-main.js, which bundles the core,
#   the start-up and the DOM it runs on, then TeX input with every package, CommonHTML output
#   with its TeX font data, and the MathML that screen readers read);
# - book/_vendor/mathjax: what the site serves (html_static_path in _config.yml): the CommonHTML
#   woff-v2 fonts that the build's stylesheet, _static/mathjax/chtml.css, points to.
#
# Usage: tools/vendor_mathjax.sh          re-fetch, verify and (re)write both folders
#        tools/vendor_mathjax.sh --check  only verify the committed files against the checksums
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=3.2.2
# sha256 of the tarball `npm pack mathjax@3.2.2` downloads (npm's own integrity field is
# sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==).
TARBALL_SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
SITE=book/_vendor/mathjax
NODE=book/_ext/mathjax
NODE_FILES="es5/node-main.js es5/input/tex-full.js es5/output/chtml.js es5/output/chtml/fonts/tex.js
  es5/a11y/assistive-mml.js"

if [ "${1:-}" = "--check" ]; then
  for dest in "$SITE" "$NODE"; do
    (cd "$dest" && sha256sum --quiet -c SHA256SUMS)
    echo "ok: $dest matches SHA256SUMS (mathjax@$VERSION)"
  done
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mathjax@$VERSION" >/dev/null)
echo "$TARBALL_SHA256  $tmp/mathjax-$VERSION.tgz" | sha256sum --quiet -c -
tar xzf "$tmp/mathjax-$VERSION.tgz" -C "$tmp"

rm -rf "$SITE" "$NODE"
mkdir -p "$SITE/es5/output/chtml/fonts"
cp -r "$tmp/package/es5/output/chtml/fonts/woff-v2" "$SITE/es5/output/chtml/fonts/"
for f in $NODE_FILES; do
  mkdir -p "$NODE/$(dirname "$f")"
  cp "$tmp/package/$f" "$NODE/$f"
done
for dest in "$SITE" "$NODE"; do
  cp "$tmp/package/LICENSE" "$dest/LICENSE"
  echo "$VERSION" > "$dest/VERSION"
  (cd "$dest" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
  # The committed checksums must not change when the same version is re-fetched.
  if git rev-parse --verify -q HEAD:"$dest/SHA256SUMS" >/dev/null; then
    git show HEAD:"$dest/SHA256SUMS" | diff - "$dest/SHA256SUMS" \
      || { echo "FAIL: mathjax@$VERSION differs from the committed checksums" >&2; exit 1; }
  fi
  echo "vendored mathjax@$VERSION into $dest ($(du -sh "$dest" | cut -f1))"
done
