# Shared by tests/kafka/test_kafka_tls*.sh (after lib.sh): a throwaway PKI
# made with openssl, a TLS broker (scripts/kafka/kafka.sh with
# KAFKA_TLS_DIR), and a Kubernetes-style Secret directory.
command -v openssl >/dev/null || skip "openssl is not installed (scripts/install-deps.sh test)"

PKI=$WORK/pki
mkdir -p "$PKI"
SCRAM_USER=ringtap
# Random per run: the no-secret-in-output checks grep for it.
SCRAM_PASSWORD=scram-$(openssl rand -hex 12)

# pki_ca NAME: a CA key and self-signed certificate, $PKI/NAME.{key,crt}.
pki_ca() {
	local name=$1 d=$PKI/$1.db
	mkdir -p "$d/new"
	: >"$d/index.txt"
	echo 01 >"$d/serial"
	cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
CNF
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=ringtap test $name" -keyout "$PKI/$name.key" -out "$PKI/$name.crt" 2>/dev/null
}

# pki_cert NAME CA SAN [START END]: a key and a certificate signed by CA,
# $PKI/NAME.{key,crt}; SAN like IP:127.0.0.1,DNS:localhost; START/END as
# YYYYMMDDHHMMSSZ (default: valid from an hour ago for two days).
pki_cert() {
	local name=$1 ca=$2 san=$3 start=${4:-$(date -u -d '1 hour ago' +%Y%m%d%H%M%SZ)}
	local end=${5:-$(date -u -d '2 days' +%Y%m%d%H%M%SZ)}
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-subj "/CN=$name" -addext "subjectAltName=$san" \
		-keyout "$PKI/$name.key" -out "$PKI/$name.csr" 2>/dev/null
	openssl ca -batch -notext -config "$PKI/$ca.db/ca.cnf" -cert "$PKI/$ca.crt" \
		-keyfile "$PKI/$ca.key" -in "$PKI/$name.csr" -out "$PKI/$name.crt" \
		-startdate "$start" -enddate "$end" 2>"$PKI/$name.log" ||
		die "openssl ca could not sign $name: $(cat "$PKI/$name.log")"
	# Kafka's PEM keystore wants PKCS#8 key, then the chain.
	openssl pkcs8 -topk8 -nocrypt -in "$PKI/$name.key" -out "$PKI/$name.p8"
	cat "$PKI/$name.p8" "$PKI/$name.crt" "$PKI/$ca.crt" >"$PKI/$name.pem"
}

# tls_broker_up [LISTENER...]: a broker with TLS listeners (default SSL
# SASL_SSL MTLS), its server certificate from CA "ca", trusting client
# certificates from the CAs in $PKI/truststore.pem (default: "ca"). Sets
# BROKERS (plaintext, for the test's own consumer) and PORT_<LISTENER>.
tls_broker_up() {
	[[ -f $PKI/ca.crt ]] || pki_ca ca
	[[ -f $PKI/broker.pem ]] || pki_cert broker ca IP:127.0.0.1,DNS:localhost
	[[ -f $PKI/truststore.pem ]] || cp "$PKI/ca.crt" "$PKI/truststore.pem"
	local l
	KAFKA_TLS_DIR=$PKI KAFKA_TLS_LISTENERS="${*:-SSL SASL_SSL MTLS}" \
		KAFKA_SCRAM_USERS="$SCRAM_USER=$SCRAM_PASSWORD" kafka_up
	for l in ${*:-SSL SASL_SSL MTLS}; do
		printf -v "PORT_$l" %s "$(cat "$KAFKA_DIR/port.${l,,}")"
	done
}

# secret_dir DIR FILE=SOURCE...: DIR laid out as the kubelet mounts a Secret
# (DIR/NAME -> ..data/NAME, ..data -> ..<timestamp dir>); calling it again
# swaps ..data atomically to a new directory and removes the old one, as
# the kubelet's atomic writer does on an update.
secret_dir() {
	local dir=$1 ts kv old=""
	shift
	mkdir -p "$dir"
	ts=..$(date +%Y_%m_%d_%H_%M_%S.%N)
	mkdir "$dir/$ts"
	for kv in "$@"; do
		cp "${kv#*=}" "$dir/$ts/${kv%%=*}"
		[[ -L $dir/${kv%%=*} ]] || ln -s "..data/${kv%%=*}" "$dir/${kv%%=*}"
	done
	[[ -L $dir/..data ]] && old=$(readlink "$dir/..data")
	ln -s "$ts" "$dir/..data_tmp"
	mv -T "$dir/..data_tmp" "$dir/..data"
	[[ -z $old ]] || rm -rf "${dir:?}/$old"
}

# The sink entries a chart with these kafka values renders (see
# test_kafka_tls_chart.sh, which checks it): the configs the tests run. The
# chart's spool (hostPath /var/lib/ringtap/spool) becomes $WORK/spool: no
# test writes to the host's spool.
# tls_config MODE BROKERS SECRET_DIR TOPIC_PREFIX [EXTRA_YAML_LINES]
tls_config() {
	local mode=$1 brokers=$2 secrets=$3 prefix=$4 extra=${5:-} cfg
	cfg=$(sed -e "s|@BROKERS@|$brokers|" -e "s|/var/run/secrets/ringtap/kafka|$secrets|" \
		-e "s|@PREFIX@|$prefix|" -e "s|/var/lib/ringtap/spool|$WORK/spool|" "$KAFKA_TESTS/tls/$mode.yaml")
	[[ $cfg == *"dir: $WORK/spool"* ]] || die "tls/$mode.yaml: no spool dir to move under $WORK"
	printf '%s\n' "$cfg"
	[[ -z $extra ]] || printf '%s\n' "$extra"
}

# no_secret_in FILE...: the SCRAM password and key bytes appear nowhere.
no_secret_in() {
	local f key_line
	for f in "$@"; do
		if grep -qF -- "$SCRAM_PASSWORD" "$f"; then die "the SCRAM password appears in $f"; fi
		for key in "$PKI"/*.key; do
			# A line of the base64 key body (not the BEGIN/END markers).
			key_line=$(sed -n 2p "$key")
			if grep -qF -- "$key_line" "$f"; then die "bytes of $key appear in $f"; fi
		done
	done
}
