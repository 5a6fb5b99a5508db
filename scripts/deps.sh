#!/bin/sh
# scripts/deps.sh: the kernel's module dependency graph from its object files
# (nm: module A uses module B when A leaves undefined a symbol B defines,
# weak references apart; a module is one .c or .S file) and its cycles, the strongly connected
# components of more than one module (Tarjan), one per line. Always exits 0.
# Usage: scripts/deps.sh [-e] [OBJ...]   (default: every build/obj/*.o; make
# deps names the kernel's own, so stale objects do not count; -e: every edge
# and the symbol behind it instead, to find what holds a cycle together)
edges=0
[ "$1" = -e ] && { edges=1; shift; }
objdir=build/obj
NM=${NM:-nm}
objs=${*:-$(find "$objdir" -name '*.o' | LC_ALL=C sort)}
[ -n "$objs" ] || { echo "deps: no objects under $objdir (make all first)" >&2; exit 0; }
# nm -A names the object on every line: "OBJ:VALUE TYPE NAME" or "OBJ: U NAME".
{
	"$NM" -A --defined-only -g $objs | sed 's/^\([^:]*\):.* \([^ ]*\)$/D \1 \2/'
	# A weak reference (OPTIONAL() in include/kernel.h: a feature a build
	# profile may leave out) is a hook, not a dependency: the module works
	# without the other one, so it makes no edge.
	"$NM" -A -u $objs | grep -v ' [wv] ' | sed 's/^\([^:]*\):.* \([^ ]*\)$/U \1 \2/'
} | sed "s| $objdir/\([^ ]*\)\.o | src/\1 |" | awk -v edges=$edges '
$1 == "D" { def[$3] = $2; mods[$2] = 1; next }
$1 == "U" { use[++nu] = $2 " " $3; mods[$2] = 1 }
END {
	for (i = 1; i <= nu; i++) {
		split(use[i], f, " ")
		if ((f[2] in def) && def[f[2]] != f[1] && !((f[1], def[f[2]]) in edge)) {
			edge[f[1], def[f[2]]] = 1
			succ[f[1]] = succ[f[1]] " " def[f[2]]
		}
		if (edges && (f[2] in def) && def[f[2]] != f[1])
			print "edge " f[1] " -> " def[f[2]] " " f[2]
	}
	if (edges)
		exit
	for (m in mods)
		if (!(m in index_of))
			strong(m)
}
# Tarjan: index_of and low per module, a stack of the current path.
function strong(v,    n, i, s, w, comp, size) {
	index_of[v] = low[v] = ++counter
	stack[++sp] = v
	on[v] = 1
	n = split(succ[v], s, " ")
	for (i = 1; i <= n; i++) {
		w = s[i]
		if (!(w in index_of)) {
			strong(w)
			if (low[w] < low[v])
				low[v] = low[w]
		} else if (on[w] && index_of[w] < low[v])
			low[v] = index_of[w]
	}
	if (low[v] != index_of[v])
		return
	comp = ""
	size = 0
	do {
		w = stack[sp--]
		on[w] = 0
		comp = comp " " w
		size++
	} while (w != v)
	if (size > 1)
		print substr(comp, 2)
}' | if [ $edges = 1 ]; then LC_ALL=C sort; else while read -r line; do
	# Sorted inside each line and line by line, so runs compare with diff.
	echo "$line" | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $/\n/'
done | LC_ALL=C sort; fi
exit 0
