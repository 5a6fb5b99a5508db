#!/bin/sh
# grub-moddeps.sh MODDEP.LST MODULE...: the GRUB modules named and all that
# they depend on (by GRUB's moddep.lst), one a line, sorted.
lst=$1; shift
awk -v want="$*" '{ sub(":", "", $1); d[$1] = ""; for (i = 2; i <= NF; i++) d[$1] = d[$1] " " $i }
END { n = split(want, q, " "); for (i = 1; i <= n; i++) todo[q[i]] = 1
  while (1) { more = 0; for (m in todo) if (!(m in seen)) { seen[m] = 1; k = split(d[m], x, " "); for (j = 1; j <= k; j++) if (!(x[j] in todo)) { todo[x[j]] = 1; more = 1 } } ; if (!more) break }
  for (m in seen) print m }' "$lst" | sort
