# access-table.awk - turn data/access-rights.txt into access_table.c.
#
#   awk -f src/access-table.awk data/access-rights.txt > src/access_table.c
#
# The data file is the readable source of truth (its header explains the
# columns); this script checks every line and writes the const tables that
# src/access.c searches, so nothing is built at run time:
#   access_table[]        one row per right, in file order;
#   access_family_bits[]  per family, 32 slots: mask bit -> row, with the
#                         standard and generic rows merged into every family,
#                         so decoding a mask is one lookup per set bit;
#   access_types[]        ObjectType string -> family;
#   access_by_code[]      rows with a %%code, sorted by code (binary search);
#   access_by_name[]      rows, longest name first (list decoding must try
#                         "Query key value" before "Query").
# Family ids 0-4 are fixed (none, standard, generic, unknown, reason; see
# enum access_family in access.h); the others follow in order of appearance.
#
# POSIX awk only (runs under mawk): no gensub, no regex intervals, no
# printf %x of large numbers (bits are printed from their text).  A malformed
# line stops the build: a message naming file and line on stderr, exit 1.

function fail(msg) {
	printf "access-table.awk: %s:%d: %s\n", FILENAME, FNR, msg | "cat 1>&2"
	close("cat 1>&2")
	failed = 1
	exit 1
}

function hexval(s,    i, c, v, d) {
	v = 0
	s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		d = index("0123456789abcdef", c) - 1
		v = v * 16 + d
	}
	return v
}

# Index of the single set bit of v, or -1 when v is not a power of two.
function bitindex(v,    n) {
	if (v < 1)
		return -1
	n = 0
	while (v > 1) {
		if (v % 2 != 0)
			return -1
		v = v / 2
		n++
	}
	return n
}

function family_id(name) {
	if (!(name in famid)) {
		famid[name] = nfam
		famname[nfam] = name
		nfam++
	}
	return famid[name]
}

function classes_c(s,    n, parts, i, out, w) {
	if (s == "-")
		return "0"
	if (s ~ /^,|,,|,$/)
		fail("empty class in '" s "'")
	n = split(s, parts, ",")
	out = ""
	for (i = 1; i <= n; i++) {
		w = parts[i]
		if (!(w in classname))
			fail("unknown class '" w "' (read write delete execute perms read_control other)")
		out = out (out == "" ? "" : " | ") classname[w]
	}
	return out
}

function cstr(s) {
	return (s == "-") ? "NULL" : "\"" s "\""
}

# The text after the first n whitespace-separated fields of the record.
function rest_after(n,    s, i) {
	s = $0
	for (i = 0; i < n; i++)
		sub(/^[ \t]*[^ \t]+[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

BEGIN {
	classname["read"] = "ACCESS_CLASS_READ"
	classname["write"] = "ACCESS_CLASS_WRITE"
	classname["delete"] = "ACCESS_CLASS_DELETE"
	classname["execute"] = "ACCESS_CLASS_EXECUTE"
	classname["perms"] = "ACCESS_CLASS_PERMS"
	classname["read_control"] = "ACCESS_CLASS_READ_CONTROL"
	classname["other"] = "ACCESS_CLASS_OTHER"
	nfam = 0
	family_id("none")
	family_id("standard")
	family_id("generic")
	family_id("unknown")
	family_id("reason")
	nrow = 0
	ntype = 0
	failed = 0
}

# A file edited on Windows must give the same C: drop the CR of CRLF.
{ sub(/\r$/, "") }

/^[ \t]*#/ || /^[ \t]*$/ { next }

$1 == "type" {
	if (NF < 3)
		fail("a type line needs: type family ObjectType")
	if ($2 !~ /^[a-z][a-z0-9_]*$/)
		fail("bad family '" $2 "'")
	if ($2 == "none" || $2 == "standard" || $2 == "generic" || $2 == "unknown" || $2 == "reason")
		fail("an object type cannot map to the special family '" $2 "'")
	t = rest_after(2)
	if (t ~ /["\\\t]/ || t ~ /  /)
		fail("ObjectType has a quote, backslash, tab or double space")
	if (tolower(t) in typeseen)
		fail("ObjectType '" t "' mapped twice")
	typeseen[tolower(t)] = 1
	typename[ntype] = t
	typefam[ntype] = $2
	typeline[ntype] = FNR
	ntype++
	next
}

{
	if (NF < 7)
		fail("expected 7 columns (family bit code classes constant short name), got " NF)
	fam = $1; bit = $2; code = $3; cls = $4; cons = $5; short = $6
	name = rest_after(6)

	if (fam !~ /^[a-z][a-z0-9_]*$/ || fam == "none")
		fail("bad family '" fam "'")
	f = family_id(fam)

	if (fam == "reason") {
		if (bit != "-")
			fail("a reason row has no bit: put -")
		bv = 0; bi = -1
	} else {
		if (bit !~ /^0x[0-9A-Fa-f]+$/ || length(bit) > 10)
			fail("bad bit '" bit "' (hex, 0x00000001 .. 0x80000000)")
		bv = hexval(bit)
		bi = bitindex(bv)
		if (bi < 0)
			fail("bit '" bit "' must have exactly one bit set")
		if (fam == "standard" && (bi < 16 || bi > 25))
			fail("standard rights are bits 16-25, not " bi)
		else if (fam == "generic" && bi < 28)
			fail("generic rights are bits 28-31, not " bi)
		else if (fam != "standard" && fam != "generic" && bi > 15)
			fail("specific rights are bits 0-15, not " bi)
		if ((f, bi) in slot)
			fail("bit " bit " of family " fam " defined twice")
		slot[f, bi] = nrow
	}

	if (code == "-") {
		cv = 0
		if (fam == "reason")
			fail("a reason row needs a code")
	} else {
		if (code !~ /^[0-9]+$/ || code + 0 < 1 || code + 0 > 65535)
			fail("bad code '" code "' (decimal 1-65535 or -)")
		cv = code + 0
		if (cv in codeseen)
			fail("code " cv " already used on line " codeseen[cv])
		codeseen[cv] = FNR
		# Code = base + bit index inside a family (File 4416 + n ...).
		if (fam != "standard" && fam != "generic" && fam != "reason") {
			if (f in base) {
				if (cv - bi != base[f])
					fail("code " cv " breaks family " fam "'s rule code = " base[f] " + bit index (base set by line " baseline[f] ")")
			} else {
				base[f] = cv - bi
				baseline[f] = FNR
			}
		}
	}

	cc = classes_c(cls)
	if (cons != "-" && cons !~ /^[A-Z][A-Z0-9_]*$/)
		fail("bad constant '" cons "'")
	if (short !~ /^[A-Za-z][A-Za-z0-9_]*$/)
		fail("bad short name '" short "' (one word, letters, digits, _)")
	if (name == "")
		fail("missing name")
	if (name ~ /["\\\t]/ || name ~ /  / || index(name, "*/"))
		fail("name has a quote, backslash, tab, double space or */")
	if ((f, tolower(name)) in nameseen)
		fail("name '" name "' twice in family " fam)
	nameseen[f, tolower(name)] = 1

	rfam[nrow] = f; rbit[nrow] = (bit == "-" ? "0" : "UINT32_C(" tolower(bit) ")")
	rbi[nrow] = bi; rcode[nrow] = cv; rcls[nrow] = cc
	rcons[nrow] = cons; rshort[nrow] = short; rname[nrow] = name
	rline[nrow] = FNR
	nrow++
}

END {
	if (failed)
		exit 1
	if (nrow == 0) {
		printf "access-table.awk: %s: no rights found\n", FILENAME | "cat 1>&2"
		exit 1
	}
	for (i = 0; i < ntype; i++)
		if (!(typefam[i] in famid)) {
			printf "access-table.awk: %s:%d: family '%s' has no rights\n", FILENAME, typeline[i], typefam[i] | "cat 1>&2"
			exit 1
		}

	print "/* access_table.c - GENERATED by src/access-table.awk from"
	print " * data/access-rights.txt: edit the data file, not this one."
	print " * The tables are described in access.h and access-table.awk. */"
	print "#include <stddef.h>"
	print "#include <stdint.h>"
	print ""
	print "#include \"access.h\""
	print ""
	print "const struct access_entry access_table[] = {"
	for (i = 0; i < nrow; i++)
		printf "\t{ %d, %d, %s, %s, %s, \"%s\", \"%s\" }, /* line %d */\n", rfam[i], rcode[i], rbit[i], rcls[i], cstr(rcons[i]), rshort[i], rname[i], rline[i]
	print "};"
	printf "const size_t access_table_len = %d;\n\n", nrow

	print "const char *const access_family_names[] = {"
	for (f = 0; f < nfam; f++)
		printf "\t\"%s\",\n", famname[f]
	print "};"
	printf "const size_t access_family_count = %d;\n\n", nfam

	# Every family's 32 slots: its own row, else a standard/generic row.
	print "const int16_t access_family_bits[][32] = {"
	for (f = 0; f < nfam; f++) {
		line = "\t{"
		for (b = 0; b < 32; b++) {
			v = -1
			if ((f, b) in slot)
				v = slot[f, b]
			else if ((1, b) in slot)
				v = slot[1, b]
			else if ((2, b) in slot)
				v = slot[2, b]
			line = line (b ? "," : "") " " v
		}
		printf "%s }, /* %s */\n", line, famname[f]
	}
	print "};"
	print ""

	print "const struct access_type_entry access_types[] = {"
	for (i = 0; i < ntype; i++)
		printf "\t{ \"%s\", %d },\n", typename[i], famid[typefam[i]]
	print "};"
	printf "const size_t access_types_len = %d;\n\n", ntype

	# Insertion sorts: small tables, and POSIX awk has no sort.
	n = 0
	for (i = 0; i < nrow; i++) {
		if (rcode[i] == 0)
			continue
		j = n
		while (j > 0 && rcode[bycode[j - 1]] > rcode[i]) {
			bycode[j] = bycode[j - 1]
			j--
		}
		bycode[j] = i
		n++
	}
	print "const uint16_t access_by_code[] = {"
	for (i = 0; i < n; i++)
		printf "\t%d, /* %d */\n", bycode[i], rcode[bycode[i]]
	print "};"
	printf "const size_t access_by_code_len = %d;\n\n", n

	for (i = 0; i < nrow; i++) {
		j = i
		while (j > 0 && length(rname[byname[j - 1]]) < length(rname[i])) {
			byname[j] = byname[j - 1]
			j--
		}
		byname[j] = i
	}
	print "const uint16_t access_by_name[] = {"
	for (i = 0; i < nrow; i++)
		printf "\t%d, /* %s */\n", byname[i], rname[byname[i]]
	print "};"
	printf "const size_t access_by_name_len = %d;\n", nrow
}
