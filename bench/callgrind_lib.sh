# Sourced by the bench scripts that read callgrind output.

# incl OUT FUNCTION...: inclusive Ir of the named functions, summed.
incl() {
	local out=$1; shift
	callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null |
		awk -v names="$*" 'BEGIN { n = split(names, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1 }
			{ f = $0; sub(/^[^:]*:/, "", f); sub(/ .*/, "", f); g = $1; gsub(",", "", g) }
			(f in want) && !(f in seen) { seen[f] = 1; s += g }
			END { printf "%.0f\n", s }'
}

# per TOTAL N: TOTAL / N, rounded.
per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.0f", a / n }'; }
