#!/bin/sh
# Makes the Marketplace icon (media/icon.png, 128×128) from the activity bar glyph media/m1.svg:
# the glyph in white on a rounded teal square. Needs rsvg-convert (Debian: librsvg2-bin).
set -e
cd "$(dirname "$0")/.."
glyph=$(sed -e 's/<svg[^>]*>//' -e 's#</svg>##' media/m1.svg)
cat <<SVG | rsvg-convert -w 128 -h 128 -o media/icon.png
<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 24 24">
<rect width="24" height="24" rx="5" fill="#0e6e6e"/>
<g transform="translate(2.4 2.4) scale(0.8)" fill="none" stroke="#ffffff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">$glyph</g>
</svg>
SVG
