#!/usr/bin/env bash
# bench/run.sh: compare the vault with its peers (cp+sync, age, restic) on the
# same random files, on the same disk, in the same run.
#
#   bench/run.sh > bench/results-$(date +%F).md      # Markdown on stdout, progress on stderr
#
# Environment (all optional):
#   SIZES="1 64 512 1024"   file sizes in MiB
#   RUNS=5                  timed runs per row; the table shows the median time, the max RSS
#   BENCH_DIR=/tmp/vault-bench   results.csv, runs.csv and bench.log go here; scratch in $BENCH_DIR/work
#   DROP_CACHES=1           drop the page cache before every timed run (needs root); 0 = warm cache
#   TOOLS="cp age restic vault"  which rows to run
#   VAULT_BIN=              use this vault binary instead of building ./cmd/vault
#   VAULT_INIT_ARGS=        extra args for `vault init` of the throughput vaults, e.g. "--kdf-memory 64 --kdf-time 1"
#                           (the unlock measurement always uses the default KDF)
#   RUN_TIMEOUT=900         seconds before one timed command is killed
#   KEEP_WORK=0             1 = keep $BENCH_DIR/work (big files!) at exit
#   NO_INSTALL=0            1 = never apt-get install missing tools, just fail
set -euo pipefail
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

SIZES=${SIZES:-"1 64 512 1024"}
RUNS=${RUNS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
DROP_CACHES=${DROP_CACHES:-1}
TOOLS=${TOOLS:-"cp age restic vault"}
VAULT_BIN=${VAULT_BIN:-}
VAULT_INIT_ARGS=${VAULT_INIT_ARGS:-}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
KEEP_WORK=${KEEP_WORK:-0}
NO_INSTALL=${NO_INSTALL:-0}
SAMPLE_INTERVAL=0.05 # seconds between RssAnon samples

log() { printf '[bench %(%T)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- arguments
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
for s in $SIZES; do [[ $s =~ ^[1-9][0-9]*$ ]] || die "SIZES must be whole MiB, got '$s'"; done
[[ $BENCH_DIR == /* ]] || BENCH_DIR="$PWD/$BENCH_DIR"
BENCH_DIR=${BENCH_DIR%/}
[[ -n $BENCH_DIR && $BENCH_DIR != / ]] || die "refusing BENCH_DIR='$BENCH_DIR'"
WORK="$BENCH_DIR/work" # the only directory this script ever deletes
want() { [[ " $TOOLS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- tools
# command -> Debian package
declare -A PKG=([age]=age [age-keygen]=age [restic]=restic [hyperfine]=hyperfine
	[cmp]=diffutils [timeout]=coreutils [unzip]=unzip [flock]=util-linux)
ensure_tools() {
	local -a need=() missing_pkgs=()
	need=(cmp timeout flock)
	want age && need+=(age age-keygen)
	want restic && need+=(restic)
	want vault && need+=(hyperfine unzip)
	local c
	for c in "${need[@]}"; do
		command -v "$c" >/dev/null 2>&1 || missing_pkgs+=("${PKG[$c]}")
	done
	[[ -x /usr/bin/time ]] || missing_pkgs+=(time) # GNU time, not the shell keyword
	((${#missing_pkgs[@]} == 0)) && return 0
	mapfile -t missing_pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
	if [[ $NO_INSTALL == 1 || $(id -u) != 0 ]]; then
		die "missing: ${missing_pkgs[*]}; install them as root: apt-get update && apt-get install -y ${missing_pkgs[*]}"
	fi
	log "installing ${missing_pkgs[*]} from Debian's packages"
	export DEBIAN_FRONTEND=noninteractive
	# wait for another apt/dpkg run instead of failing on its lock
	apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 ||
		die "apt-get update failed"
	apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing_pkgs[@]}" >&2 ||
		die "apt-get install ${missing_pkgs[*]} failed"
}
ensure_tools

# ---------------------------------------------------------------- scratch space
mkdir -p "$BENCH_DIR"
# one run per BENCH_DIR: a second one would delete this one's files
exec {LOCK_FD}>"$BENCH_DIR/.lock"
flock -n "$LOCK_FD" || die "another bench/run.sh is using $BENCH_DIR (set BENCH_DIR to run beside it)"
rm -rf -- "$WORK"
mkdir -p "$WORK/data"
cleanup() {
	local rc=$?
	if [[ $KEEP_WORK == 1 ]]; then
		log "keeping $WORK (KEEP_WORK=1): $(du -sh "$WORK" 2>/dev/null | cut -f1)"
	else
		rm -rf -- "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
LOG="$BENCH_DIR/bench.log"
: >"$LOG"

# Free space: the largest size is held at most ~4 times at once (input, store,
# restored copy, zip) plus a margin.
max_size=0
for s in $SIZES; do ((s > max_size)) && max_size=$s; done
free_mib=$(($(df -Pk "$WORK" | awk 'NR==2 {print $4}') / 1024))
need_mib=$((max_size * 4 + 1024))
((free_mib >= need_mib)) || die "need ${need_mib} MiB free in $BENCH_DIR, have ${free_mib} MiB"

# A sleep without forking: read with a timeout on a FIFO nobody writes to.
mkfifo "$WORK/.tick"
exec {TICK_FD}<>"$WORK/.tick"
tick() { read -r -t "$SAMPLE_INTERVAL" -u "$TICK_FD" _ || true; }

# ---------------------------------------------------------------- page cache
CACHE_MODE=warm
if [[ $DROP_CACHES == 1 ]]; then
	sync
	if (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
		CACHE_MODE=cold
	else
		log "cannot drop the page cache (not root, or read-only /proc/sys): warm cache"
	fi
fi
drop_caches() {
	[[ $CACHE_MODE == cold ]] || return 0
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# ---------------------------------------------------------------- one timed run
# run_once CMD...: drops the cache, runs CMD under GNU time (and `timeout`) with
# stdin from /dev/null, then `sync`; the wall time covers CMD + sync. Sets
# RUN_RC, RUN_MS, RUN_RSS_KIB (GNU time %M = ru_maxrss) and RUN_ANON_KIB (the
# largest RssAnon of the process tree seen by a sampler every SAMPLE_INTERVAL;
# 0 if the command ended before the first sample). CMD's stdout/stderr go to
# $WORK/last.out and $WORK/last.err.
ANON_SUM=0
anon_tree() { # pid: adds the RssAnon (KiB) of pid and its descendants to ANON_SUM
	local k v _r c
	local -a kids=()
	while read -r k v _r; do
		if [[ $k == RssAnon: ]]; then ANON_SUM=$((ANON_SUM + v)); fi
	done 2>/dev/null <"/proc/$1/status" || true
	read -r -a kids 2>/dev/null <"/proc/$1/task/$1/children" || true
	for c in "${kids[@]}"; do anon_tree "$c"; done
}
sampler() { # pid file: while pid lives, write the largest RssAnon sum seen to file
	local pid=$1 out=$2 st max=0
	# first sample after one interval: right after the fork the child is still
	# a copy of this shell, whose memory says nothing about CMD
	tick
	while read -r _ _ st _ 2>/dev/null <"/proc/$pid/stat" && [[ $st != Z ]]; do
		ANON_SUM=0
		anon_tree "$pid"
		if ((ANON_SUM > max)); then
			max=$ANON_SUM
			echo "$max" >"$out"
		fi
		tick
	done
}
run_once() {
	drop_caches
	local tf="$WORK/.time" af="$WORK/.anon" t0 t1 tpid spid
	echo 0 >"$af"
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%e %M' -o "$tf" timeout "$RUN_TIMEOUT" "$@" \
		</dev/null >"$WORK/last.out" 2>"$WORK/last.err" &
	tpid=$!
	sampler "$tpid" "$af" &
	spid=$!
	RUN_RC=0
	wait "$tpid" || RUN_RC=$?
	sync
	t1=$EPOCHREALTIME
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	t0=${t0/./}
	t1=${t1/./}
	RUN_MS=$(((10#$t1 - 10#$t0 + 500) / 1000))
	RUN_RSS_KIB=$(tail -n 1 "$tf" | awk '{print $2 + 0}')
	RUN_ANON_KIB=$(cat "$af" 2>/dev/null || echo 0)
	RUN_ANON_KIB=${RUN_ANON_KIB:-0}
}

# ---------------------------------------------------------------- rows
SUMMARY="$WORK/summary.tsv" # one line per row, rendered at the end
RAW="$BENCH_DIR/runs.csv"
echo "tool,operation,size_mib,run,wall_ms,peak_rss_kib,peak_anon_kib,exit" >"$RAW"
: >"$SUMMARY"

first_line() { # file -> first non-empty line, cleaned for a table cell
	local l
	l=$(grep -m 1 -v '^[[:space:]]*$' "$1" 2>/dev/null || true)
	l=${l//$'\t'/ }
	l=${l//|//}
	printf '%.160s' "$l"
}
bytes_of() { # path -> total size of its regular files (directory entries not counted)
	find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{ t += $1 } END { printf "%d\n", t }'
}

# row TOOL OP SIZE STATUS RUNS MED MIN MAX RSS ANON STORED CHECK NOTE
row() {
	local IFS=$'\t'
	echo "$*" >>"$SUMMARY"
}

# measure TOOL OP SIZE -- CMD...
# Globals read: M_PREP (function run untimed before every run), M_CHECK (function
# run after the last run, prints ok/MISMATCH/...), M_OUT (path whose size is
# reported as "stored/output MiB"). Returns 1 if the command failed.
M_PREP=: M_CHECK=: M_OUT=
measure() {
	local tool=$1 op=$2 size=$3
	shift 4
	local -a ms=()
	local r rss=0 anon=0 check=- stored=0 med lo hi st=fail pre=""
	# a failing vault command makes its row "vault: not available"
	if [[ $tool == vault ]]; then st=na pre="vault: not available: "; fi
	log "$tool $op ${size} MiB ($RUNS runs)"
	for ((r = 1; r <= RUNS; r++)); do
		if ! "$M_PREP" >"$WORK/prep.log" 2>&1; then
			cat "$WORK/prep.log" >>"$LOG"
			row "$tool" "$op" "$size" "$st" 0 - - - - - - - "${pre}setup failed: $(first_line "$WORK/prep.log")"
			return 1
		fi
		run_once "$@"
		echo "$tool,$op,$size,$r,$RUN_MS,$RUN_RSS_KIB,$RUN_ANON_KIB,$RUN_RC" >>"$RAW"
		{
			echo "== $tool $op $size MiB run $r: $* -> exit $RUN_RC, ${RUN_MS} ms"
			cat "$WORK/last.out" "$WORK/last.err"
		} >>"$LOG" 2>/dev/null
		if ((RUN_RC != 0)); then
			local why
			why=$(first_line "$WORK/last.err")
			((RUN_RC == 124)) && why="timed out after ${RUN_TIMEOUT}s"
			row "$tool" "$op" "$size" "$st" 0 - - - - - - - "${pre}exit $RUN_RC: $why"
			log "  failed: exit $RUN_RC: $why"
			return 1
		fi
		ms+=("$RUN_MS")
		((RUN_RSS_KIB > rss)) && rss=$RUN_RSS_KIB
		((RUN_ANON_KIB > anon)) && anon=$RUN_ANON_KIB
	done
	mapfile -t ms < <(printf '%s\n' "${ms[@]}" | sort -n)
	lo=${ms[0]}
	hi=${ms[-1]}
	local n=${#ms[@]}
	if ((n % 2)); then med=${ms[n / 2]}; else med=$(((ms[n / 2 - 1] + ms[n / 2]) / 2)); fi
	check=$("$M_CHECK" 2>>"$LOG" || true)
	[[ -n $check ]] || check=-
	[[ -n $M_OUT ]] && stored=$(bytes_of "$M_OUT")
	row "$tool" "$op" "$size" ok "$RUNS" "$med" "$lo" "$hi" "$rss" "$anon" "$stored" "$check" ""
	log "  median ${med} ms (min $lo, max $hi), peak RSS $((rss / 1024)) MiB, check: $check"
	M_PREP=: M_CHECK=: M_OUT=
	return 0
}
reset_m() { M_PREP=: M_CHECK=: M_OUT=; }
same_as_input() { # path -> ok / MISMATCH
	if cmp -s -- "$FILE" "$1"; then echo ok; else echo MISMATCH; fi
}

# ---------------------------------------------------------------- the vault binary
VAULT_STATE=absent VAULT_WHY=""
if want vault; then
	if [[ -n $VAULT_BIN ]]; then
		if [[ -x $VAULT_BIN ]]; then
			cp -- "$VAULT_BIN" "$WORK/vault"
			VAULT_STATE=ok
		else
			VAULT_WHY="VAULT_BIN=$VAULT_BIN is not executable"
		fi
	elif [[ ! -d $REPO_ROOT/cmd/vault ]]; then
		VAULT_WHY="./cmd/vault does not exist yet"
	elif ! command -v go >/dev/null 2>&1; then
		VAULT_WHY="go is not installed"
	else
		log "building ./cmd/vault"
		if (cd "$REPO_ROOT" && go build -o "$WORK/vault" ./cmd/vault) >"$WORK/build.log" 2>&1; then
			VAULT_STATE=ok
		else
			cat "$WORK/build.log" >>"$LOG"
			VAULT_WHY="go build ./cmd/vault failed: $(first_line "$WORK/build.log")"
		fi
	fi
	[[ $VAULT_STATE == ok ]] || log "vault: not available ($VAULT_WHY)"
fi
VAULT="$WORK/vault"
# An unknown command may exit 0 without output (a no-op CommandNotFound), so
# check the command list of `vault --help` (urfave/cli's "COMMANDS:") first.
VAULT_HELP=""
[[ $VAULT_STATE == ok ]] && VAULT_HELP=$("$VAULT" --help 2>&1 </dev/null || true)
has_command() { # name -> true if `vault --help` lists it (or lists no commands at all)
	[[ $VAULT_HELP != *COMMANDS:* ]] || grep -Eq "^[[:space:]]+$1([,[:space:]]|\$)" <<<"$VAULT_HELP"
}
missing_commands() { # names... -> prints "no `x`, `y` command yet" or nothing
	local c m=()
	for c in "$@"; do has_command "$c" || m+=("\`$c\`"); done
	local IFS=/
	((${#m[@]} == 0)) || echo "no ${m[*]} command yet"
}
printf 'bench-passphrase-%s\n' "$RANDOM$RANDOM" >"$WORK/passphrase"
export VAULT_PASSPHRASE_FILE="$WORK/passphrase"

vault_unavailable() { # size why: the three throughput rows
	local op
	for op in add get export; do row vault "$op" "$1" na 0 - - - - - - - "$2"; done
}

# ---------------------------------------------------------------- per-tool setup
if want age; then
	age-keygen -o "$WORK/age-key.txt" 2>/dev/null
	AGE_RECIPIENT=$(age-keygen -y "$WORK/age-key.txt")
fi
if want restic; then
	export RESTIC_PASSWORD_FILE="$WORK/passphrase"
	# --no-cache: a local repository needs no local metadata cache; the cache
	# would only add writes of the same index/tree blobs to ~/.cache.
	RESTIC=(restic --repo "$WORK/restic-repo" --no-cache --quiet)
fi

prep_cp() { rm -f -- "$WORK/cp-dst"; }
check_cp() { same_as_input "$WORK/cp-dst"; }
prep_age_enc() { rm -f -- "$WORK/out.age"; }
prep_age_dec() { rm -f -- "$WORK/age-back"; }
check_age_dec() { same_as_input "$WORK/age-back"; }
prep_restic_backup() {
	rm -rf -- "$WORK/restic-repo"
	"${RESTIC[@]}" init
	[[ -s $WORK/restic-format ]] ||
		"${RESTIC[@]}" cat config | awk -F'[:,]' '/"version"/ { gsub(/ /, "", $2); print $2 }' >"$WORK/restic-format"
}
prep_restic_restore() { rm -rf -- "$WORK/restic-restore"; }
check_restic_restore() {
	local f
	f=$(find "$WORK/restic-restore" -type f -name "${FILE##*/}" | head -n 1)
	[[ -n $f ]] || {
		echo "no file restored"
		return
	}
	same_as_input "$f"
}
prep_vault_add() {
	rm -rf -- "$WORK/vault-store"
	mkdir -p "$WORK/vault-store"
	export VAULT_PATH="$WORK/vault-store/bench.vault"
	# shellcheck disable=SC2086 # VAULT_INIT_ARGS is a list of flags
	"$VAULT" init $VAULT_INIT_ARGS </dev/null >"$WORK/recovery-code.txt"
	"$VAULT" claim new bench --insurer X </dev/null
}
vault_doc_id() { # -> the ID of the one document in the bench vault (untimed)
	local id
	# the vault is fresh, so the listing holds exactly the document just added
	id=$("$VAULT" list --claim bench --json </dev/null 2>/dev/null |
		sed -n 's/^[[:space:]]*"id":[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1)
	if [[ -z $id ]]; then
		# no JSON listing: `vault add` prints "Added KIND ID to CLAIM: ..."
		id=$(awk '$1 == "Added" { print $3; exit }' "$WORK/last.out" "$WORK/last.err")
	fi
	echo "$id"
}
prep_vault_get() { rm -f -- "$WORK/vault-out"; }
check_vault_get() { same_as_input "$WORK/vault-out"; }
prep_vault_export() { rm -f -- "$WORK/vault-out.zip"; }
check_vault_export() {
	local zip="$WORK/vault-out.zip" bytes name
	[[ -s $zip ]] || {
		echo "empty zip"
		return
	}
	bytes=$(stat -c %s -- "$FILE")
	# the entry whose length equals the input's
	name=$(unzip -l "$zip" | awk -v n="$bytes" '$1 == n { sub(/^ *[0-9]+ +[^ ]+ +[^ ]+ +/, ""); print; exit }')
	[[ -n $name ]] || {
		echo "no entry of the input's size"
		return
	}
	if unzip -p "$zip" "$name" | cmp -s -- "$FILE" -; then echo ok; else echo MISMATCH; fi
}

# ---------------------------------------------------------------- the runs
LOAD_START=$(cut -d ' ' -f 1-3 /proc/loadavg)
psi_total() { # cpu|io -> microseconds some task stalled, since boot (0 without PSI)
	awk '/^some/ { sub(/total=/, "", $5); print $5; f = 1 } END { if (!f) print 0 }' "/proc/pressure/$1" 2>/dev/null || echo 0
}
PSI_CPU0=$(psi_total cpu) PSI_IO0=$(psi_total io) T_START=${EPOCHREALTIME/./}
STARTED=$(date -u '+%F %T UTC')
for SIZE in $SIZES; do
	FILE="$WORK/data/random-${SIZE}MiB.bin"
	log "creating $FILE"
	dd if=/dev/urandom of="$FILE" bs=1M count="$SIZE" iflag=fullblock status=none
	sync

	if want cp; then
		reset_m
		M_PREP=prep_cp M_CHECK=check_cp M_OUT="$WORK/cp-dst"
		measure cp copy+sync "$SIZE" -- cp -- "$FILE" "$WORK/cp-dst" || true
		rm -f -- "$WORK/cp-dst"
	fi

	if want age; then
		reset_m
		M_PREP=prep_age_enc M_OUT="$WORK/out.age"
		if measure age encrypt "$SIZE" -- age -r "$AGE_RECIPIENT" -o "$WORK/out.age" "$FILE"; then
			M_PREP=prep_age_dec M_CHECK=check_age_dec M_OUT="$WORK/age-back"
			measure age decrypt "$SIZE" -- age -d -i "$WORK/age-key.txt" -o "$WORK/age-back" "$WORK/out.age" || true
		fi
		rm -f -- "$WORK/out.age" "$WORK/age-back"
	fi

	if want restic; then
		reset_m
		M_PREP=prep_restic_backup M_OUT="$WORK/restic-repo"
		if measure restic backup "$SIZE" -- "${RESTIC[@]}" backup "$FILE"; then
			M_PREP=prep_restic_restore M_CHECK=check_restic_restore M_OUT="$WORK/restic-restore"
			measure restic restore "$SIZE" -- "${RESTIC[@]}" restore latest --target "$WORK/restic-restore" || true
		fi
		rm -rf -- "$WORK/restic-repo" "$WORK/restic-restore"
	fi

	if want vault; then
		reset_m
		miss=""
		[[ $VAULT_STATE == ok ]] && miss=$(missing_commands claim add)
		if [[ $VAULT_STATE != ok ]]; then
			vault_unavailable "$SIZE" "vault: not available ($VAULT_WHY)"
		elif [[ -n $miss ]]; then
			vault_unavailable "$SIZE" "vault: not available ($miss)"
		else
			M_PREP=prep_vault_add M_OUT="$WORK/vault-store"
			if measure vault add "$SIZE" -- "$VAULT" add --claim bench --kind other "$FILE"; then
				ID=$(vault_doc_id)
				miss=$(missing_commands get)
				if [[ -n $miss ]]; then
					row vault get "$SIZE" na 0 - - - - - - - "vault: not available ($miss)"
				elif [[ -z $ID ]]; then
					row vault get "$SIZE" na 0 - - - - - - - "vault: not available (vault add printed no ID)"
				else
					M_PREP=prep_vault_get M_CHECK=check_vault_get M_OUT="$WORK/vault-out"
					measure vault get "$SIZE" -- "$VAULT" get "$ID" -o "$WORK/vault-out" || true
				fi
				miss=$(missing_commands export)
				if [[ -n $miss ]]; then
					row vault export "$SIZE" na 0 - - - - - - - "vault: not available ($miss)"
				else
					M_PREP=prep_vault_export M_CHECK=check_vault_export M_OUT="$WORK/vault-out.zip"
					measure vault export "$SIZE" -- "$VAULT" export --claim bench -o "$WORK/vault-out.zip" || true
				fi
			else
				row vault get "$SIZE" na 0 - - - - - - - "vault: not available (add failed)"
				row vault export "$SIZE" na 0 - - - - - - - "vault: not available (add failed)"
			fi
			rm -rf -- "$WORK/vault-store" "$WORK/vault-out" "$WORK/vault-out.zip"
		fi
	fi
	rm -f -- "$FILE"
done

# ---------------------------------------------------------------- unlock vs KDF
UNLOCK_MD="$WORK/unlock.md"
: >"$UNLOCK_MD"
if want vault; then
	{
		echo "## Unlock: \`vault list\` on an empty vault (default KDF) vs the KDF alone"
		echo
	} >>"$UNLOCK_MD"
	unlock_ok=0
	unlock_why=$VAULT_WHY
	miss=""
	[[ $VAULT_STATE == ok ]] && miss=$(missing_commands list)
	[[ -n $miss ]] && unlock_why=$miss
	if [[ $VAULT_STATE == ok && -z $miss ]]; then
		log "unlock: vault list on an empty vault with the default KDF"
		rm -rf -- "$WORK/vault-unlock"
		mkdir -p "$WORK/vault-unlock"
		export VAULT_PATH="$WORK/vault-unlock/empty.vault"
		if "$VAULT" init </dev/null >"$WORK/recovery-code.txt" 2>"$WORK/unlock.err" &&
			"$VAULT" list </dev/null >/dev/null 2>"$WORK/unlock.err"; then
			# warm cache on purpose: unlock is CPU/memory bound (Argon2id), not disk bound
			if hyperfine -N --warmup 1 --runs 10 --export-csv "$WORK/unlock.csv" \
				"$(printf '%q list' "$VAULT")" >"$WORK/hyperfine.txt" 2>&1; then
				saved=$CACHE_MODE
				CACHE_MODE=warm
				run_once "$VAULT" list
				CACHE_MODE=$saved
				read -r u_mean u_sd u_min u_max < <(awk -F, 'NR==2 {print $2, $3, $7, $8}' "$WORK/unlock.csv")
				u_ms=$(awk -v m="$u_mean" 'BEGIN { printf "%d", m * 1000 + 0.5 }')
				row vault "unlock (list, empty)" 0 ok 10 "$u_ms" \
					"$(awk -v m="$u_min" 'BEGIN { printf "%d", m * 1000 + 0.5 }')" \
					"$(awk -v m="$u_max" 'BEGIN { printf "%d", m * 1000 + 0.5 }')" \
					"$RUN_RSS_KIB" "$RUN_ANON_KIB" 0 - "hyperfine mean of 10, sd $(awk -v s="$u_sd" 'BEGIN { printf "%.1f", s * 1000 }') ms"
				{
					echo "hyperfine (10 runs, warm cache):"
					echo
					echo '```'
					cat "$WORK/hyperfine.txt"
					echo '```'
					echo
					echo "Peak RSS of one \`vault list\`: $((RUN_RSS_KIB / 1024)) MiB (GNU time)."
					echo
				} >>"$UNLOCK_MD"
				unlock_ok=1
			else
				unlock_why="hyperfine failed: $(first_line "$WORK/hyperfine.txt")"
			fi
		else
			unlock_why="$(first_line "$WORK/unlock.err")"
		fi
		rm -rf -- "$WORK/vault-unlock"
	fi
	if ((unlock_ok == 0)); then
		row vault "unlock (list, empty)" 0 na 0 - - - - - - - "vault: not available ($unlock_why)"
		echo "vault: not available ($unlock_why)" >>"$UNLOCK_MD"
		echo >>"$UNLOCK_MD"
	fi
	# Hook: the KDF's own Go benchmark lives in ./crypto.
	{
		echo "KDF alone, and the CPU's limits (seal, open, SHA-256 of 64 KiB chunks on one core):"
		echo "\`go test -run '^\$' -bench . -benchmem ./crypto/\`"
		echo
		if [[ -d $REPO_ROOT/crypto ]] && command -v go >/dev/null 2>&1; then
			log "go test -bench ./crypto/"
			echo '```'
			(cd "$REPO_ROOT" && go test -run '^$' -bench . -benchmem ./crypto/ 2>&1) || echo "(go test exited $?)"
			echo '```'
		else
			echo "not available: ./crypto does not exist yet"
		fi
		echo
		# The document path in-process (64 MiB, warm cache, fsyncs included):
		# WriteBlob at several batch sizes, ReadDocument.
		echo "The document path without the process (64 MiB, warm cache, fsyncs included):"
		echo "\`go test -run '^\$' -bench 'WriteBlob|ReadDocument' -benchmem -benchtime 3x ./vault/\`"
		echo
		if [[ -d $REPO_ROOT/vault ]] && command -v go >/dev/null 2>&1; then
			log "go test -bench WriteBlob|ReadDocument ./vault/"
			echo '```'
			(cd "$REPO_ROOT" && go test -run '^$' -bench 'WriteBlob|ReadDocument' -benchmem -benchtime 3x ./vault/ 2>&1) ||
				echo "(go test exited $?)"
			echo '```'
		fi
		echo
	} >>"$UNLOCK_MD"
fi
LOAD_END=$(cut -d ' ' -f 1-3 /proc/loadavg)
T_END=${EPOCHREALTIME/./}
PSI=$(awk -v c0="$PSI_CPU0" -v c1="$(psi_total cpu)" -v i0="$PSI_IO0" -v i1="$(psi_total io)" \
	-v t="$((10#$T_END - 10#$T_START))" 'BEGIN { if (c1 == 0) print "n/a"; else printf "cpu %.0f%%, io %.0f%%", 100 * (c1 - c0) / t, 100 * (i1 - i0) / t }')

# ---------------------------------------------------------------- report
CSV="$BENCH_DIR/results.csv"
render() { # mode=md|csv
	awk -F '\t' -v mode="$1" '
	function cell(s) { return s == "" ? "-" : s }
	function q(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
	# which vault operation a row is compared with
	function peer_of(op) {
		if (op == "copy+sync" || op == "encrypt" || op == "backup" || op == "add") return "add"
		if (op == "decrypt" || op == "restore" || op == "get") return "get"
		if (op == "export") return "export"
		return ""
	}
	{ n++; for (i = 1; i <= NF; i++) f[n, i] = $i
	  if ($1 == "vault" && $4 == "ok") vms[$2, $3] = $6 }
	END {
		if (mode == "md") {
			print "| tool | operation | size MiB | seconds | MiB/s | peak RSS MiB | time ÷ vault | min–max s | peak anon MiB | output MiB | check | note |"
			print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|"
		} else {
			print "tool,operation,size_mib,status,runs,seconds_median,seconds_min,seconds_max,mib_per_s,peak_rss_mib,ratio_vs_vault,peak_anon_mib,output_mib,check,note"
		}
		for (r = 1; r <= n; r++) {
			tool = f[r,1]; op = f[r,2]; size = f[r,3]; st = f[r,4]; note = f[r,13]
			if (st != "ok") {
				if (mode == "md")
					printf "| %s | %s | %s | %s | - | - | - | - | - | - | - | %s |\n", tool, op, (size ? size : "-"), (st == "na" ? "vault: not available" : "failed"), note
				else
					printf "%s,%s,%s,%s,0,,,,,,,,,,%s\n", tool, op, size, (st == "na" ? "not available" : "failed"), q(note)
				continue
			}
			med = f[r,6] / 1000; lo = f[r,7] / 1000; hi = f[r,8] / 1000
			mibs = (size > 0 && med > 0) ? sprintf("%.0f", size / med) : "-"
			rss = sprintf("%.1f", f[r,9] / 1024)
			anon = (f[r,10] > 0) ? sprintf("%.1f", f[r,10] / 1024) : "-"
			outm = (f[r,11] > 0) ? sprintf("%.1f", f[r,11] / 1048576) : "-"
			v = peer_of(op); ratio = "-"
			if (v != "" && ((v, size) in vms) && vms[v, size] > 0) ratio = sprintf("%.2f", f[r,6] / vms[v, size])
			if (mode == "md")
				printf "| %s | %s | %s | %.3f | %s | %s | %s | %.3f–%.3f | %s | %s | %s | %s |\n", tool, op, (size ? size : "-"), med, mibs, rss, ratio, lo, hi, anon, outm, cell(f[r,12]), cell(note)
			else
				printf "%s,%s,%s,ok,%s,%.3f,%.3f,%.3f,%s,%s,%s,%s,%s,%s,%s\n", tool, op, size, f[r,5], med, lo, hi, (mibs == "-" ? "" : mibs), rss, (ratio == "-" ? "" : ratio), (anon == "-" ? "" : anon), (outm == "-" ? "" : outm), f[r,12], q(note)
		}
	}' "$SUMMARY"
}
render csv >"$CSV"

ver() { "$@" 2>&1 | head -n 1 || echo "not installed"; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
fs=$(df -PT "$BENCH_DIR" | awk 'NR==2 { print $1 " (" $2 ")" }')
commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
dirty=""
if git -C "$REPO_ROOT" status --porcelain 2>/dev/null | grep -v '^?? bench/' | grep -q .; then
	dirty=", uncommitted changes"
fi
gnutime=$(dpkg-query -W -f '${Version}' time 2>/dev/null || echo "?")

cat <<EOF
# Vault benchmark: vault vs cp, age, restic

- date: $STARTED
- host: \`$(uname -a)\`
- nproc: $(nproc), CPU: $cpu, memory: $mem
- disk: \`$BENCH_DIR\` on $fs
- page cache: $(if [[ $CACHE_MODE == cold ]]; then echo "cold (dropped before every timed run)"; else echo "**warm cache** (could not drop it, or DROP_CACHES=0)"; fi)
- load average at start: $LOAD_START, at end: $LOAD_END; share of the run's time in which some task
  was stalled (PSI "some", includes this benchmark's own waiting): $PSI
- versions: age $(ver age --version), $(ver restic version), $(ver go version), $(ver hyperfine --version), GNU time $gnutime
- vault: $(if [[ $VAULT_STATE != ok ]]; then echo "not available ($VAULT_WHY)"; elif [[ -n $VAULT_BIN ]]; then echo "VAULT_BIN=$VAULT_BIN"; else echo "built from commit $commit$dirty"; fi)${VAULT_INIT_ARGS:+, init args: $VAULT_INIT_ARGS}
- sizes (MiB): $SIZES; runs per row: $RUNS (median time, max RSS)
- restic: local repository, format version $(cat "$WORK/restic-format" 2>/dev/null || echo -) (compression auto), \`--no-cache\`, \`--quiet\`

Every timed command is \`CMD && sync\` (wall time includes the sync), with stdin from /dev/null.
"time ÷ vault" divides a row's time by the vault's matching operation at the same size
(copy+sync, encrypt, backup ↔ add; decrypt, restore ↔ get; export ↔ export): below 1 the peer is faster.
Peak RSS is GNU time's maximum resident set size (file-backed mapped pages included);
peak anon is the largest RssAnon sampled every ${SAMPLE_INTERVAL}s ("-" if the command was too short to sample).

EOF
render md
echo
cat "$UNLOCK_MD"
echo "CSV: \`$CSV\`; per-run figures: \`$RAW\`; command output: \`$LOG\`."
log "done; CSV in $CSV"
