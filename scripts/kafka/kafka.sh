#!/usr/bin/env bash
# A throwaway single-node Apache Kafka (KRaft, combined broker+controller) on
# 127.0.0.1 for tests. The broker is fetched with Maven (pom.xml here) into a
# cache, so only the first run downloads anything.
#
#   kafka.sh fetch              fetch the broker classpath (cached); print its dir
#   kafka.sh start DIR [PORT]   format DIR (first time) and start a broker on PORT
#                               (default: a free port); print the port when ready
#   kafka.sh stop DIR           stop it (SIGTERM, then SIGKILL after 20 s)
#   kafka.sh kill DIR           SIGKILL it (outage tests)
#
# Environment: RINGTAP_KAFKA_CACHE (default ~/.cache/ringtap/kafka),
# KAFKA_HEAP (default 512m), KAFKA_CLUSTER_ID (default: a random one).
#
# TLS (tests/kafka/test_kafka_tls*.sh): with KAFKA_TLS_DIR=PKI the broker also
# listens, besides PLAINTEXT, on one port per name in KAFKA_TLS_LISTENERS
# (default "SSL SASL_SSL MTLS"), each port written to DIR/port.<name>:
#   SSL       TLS, server certificate PKI/broker.pem (key + chain, PEM)
#   SASL_SSL  the same TLS plus SASL SCRAM-SHA-512; users from
#             KAFKA_SCRAM_USERS="name=password ..." (set at format time)
#   MTLS      TLS that requires a client certificate signed by a CA in
#             PKI/truststore.pem
#   OTHER     any other name: TLS with the server certificate PKI/<other>.pem
#             (lower case), e.g. an expired one or one for another host name
# The broker reads truststore.pem at start: replace it and restart the
# broker (stop, start DIR) to change which client CAs it accepts.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${RINGTAP_KAFKA_CACHE:-$HOME/.cache/ringtap/kafka}
# KAFKA_VERSION: another Kafka release than pom.xml's (test_kafka_tls_scram.sh)
kafka_version=${KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")}
libs=$cache/$kafka_version/libs

die() { echo "kafka.sh: $*" >&2; exit 1; }

fetch() {
	if [[ -f $libs/.complete ]]; then
		echo "$libs"
		return
	fi
	command -v mvn >/dev/null || die "mvn not found (install maven)"
	command -v java >/dev/null || die "java not found (install a JRE >= 17)"
	rm -rf "$libs.tmp"
	mkdir -p "$libs.tmp"
	echo "kafka.sh: fetching Kafka $kafka_version with Maven into $libs" >&2
	mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
		-Dkafka.version="$kafka_version" -DincludeScope=runtime -DoutputDirectory="$libs.tmp" >&2 ||
		die "Maven could not fetch Kafka $kafka_version (network? ~/.m2 settings?)"
	touch "$libs.tmp/.complete"
	rm -rf "$libs"
	mv "$libs.tmp" "$libs"
	echo "$libs"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# TLS listeners (KAFKA_TLS_DIR): sets tls_listeners, tls_map and writes
# their properties to stdout; one free port per listener into DIR/port.<name>.
tls_config() {
	local dir=$1 pki=$2 name lname tport
	for name in ${KAFKA_TLS_LISTENERS:-SSL SASL_SSL MTLS}; do
		lname=${name,,}
		tport=$(free_port)
		echo "$tport" >"$dir/port.$lname"
		tls_listeners+=",$name://127.0.0.1:$tport"
		local keystore=$pki/broker.pem
		case $name in
		SSL | MTLS) tls_map+=",$name:SSL" ;;
		SASL_SSL) tls_map+=",$name:SASL_SSL" ;;
		*) tls_map+=",$name:SSL"; keystore=$pki/$lname.pem ;;
		esac
		[[ -f $keystore ]] || die "no server certificate $keystore for listener $name"
		cat <<PROPS
listener.name.$lname.ssl.keystore.type=PEM
listener.name.$lname.ssl.keystore.location=$keystore
listener.name.$lname.ssl.truststore.type=PEM
listener.name.$lname.ssl.truststore.location=$pki/truststore.pem
PROPS
		case $name in
		MTLS) echo "listener.name.$lname.ssl.client.auth=required" ;;
		SASL_SSL)
			echo "sasl.enabled.mechanisms=SCRAM-SHA-512" # the credential cache follows this one
			echo "listener.name.$lname.sasl.enabled.mechanisms=SCRAM-SHA-512"
			echo "listener.name.$lname.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
			;;
		esac
	done
}

write_config() {
	local dir=$1 port=$2 cport=$3 tls_listeners="" tls_map="" tls_props=""
	if [[ -n ${KAFKA_TLS_DIR:-} ]]; then
		tls_config "$dir" "$KAFKA_TLS_DIR" >"$dir/tls.properties" # no subshell: sets the variables
		tls_props=$(cat "$dir/tls.properties")
	fi
	cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport$tls_listeners
advertised.listeners=PLAINTEXT://127.0.0.1:$port$tls_listeners
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT$tls_map
$tls_props
log.dirs=$dir/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
	cat >"$dir/log4j2.xml" <<XML
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="$dir/broker.log"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File>
  </Appenders>
  <Loggers><Root level="info"><AppenderRef ref="file"/></Root></Loggers>
</Configuration>
XML
}

# The broker and the storage tool share one JVM command line: sets cmd[].
java_cmd() {
	local dir=$1; shift
	cmd=(java -Xms128m -Xmx"${KAFKA_HEAP:-512m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1
		-Dlog4j2.configurationFile="$dir/log4j2.xml" -Dkafka.logs.dir="$dir"
		-cp "$libs/*" "$@")
}

start() {
	local dir=$1 port=${2:-} cport
	fetch >/dev/null
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [[ -f $dir/pid ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
		die "a broker from $dir is already running (pid $(cat "$dir/pid"))"
	fi
	if [[ ! -f $dir/server.properties ]]; then
		port=${port:-$(free_port)}
		cport=$(free_port)
		while [[ $cport == "$port" ]]; do cport=$(free_port); done
		write_config "$dir" "$port" "$cport"
		echo "$port" >"$dir/port"
		local scram=() user cluster_id
		# "--cluster-id=ID": one id in 64 starts with "-", which the tool
		# would take for an option if given as a separate argument.
		cluster_id=${KAFKA_CLUSTER_ID:-$(python3 -c 'import base64,uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')}
		for user in ${KAFKA_SCRAM_USERS:-}; do
			scram+=(--add-scram "SCRAM-SHA-512=[name=\"${user%%=*}\",password=\"${user#*=}\"]")
		done
		java_cmd "$dir" kafka.tools.StorageTool format --ignore-formatted \
			--cluster-id="$cluster_id" \
			-c "$dir/server.properties" "${scram[@]}"
		"${cmd[@]}" >"$dir/format.log" 2>&1 ||
			die "formatting KRaft storage failed; see $dir/format.log"
	fi
	port=$(cat "$dir/port")
	# setsid: the broker gets its own process group, so the caller's
	# signals (ctest timeouts) do not half-kill it; stop/kill reap it.
	setsid "$here/kafka.sh" _broker "$dir" >"$dir/stdout.log" 2>&1 </dev/null &
	echo $! >"$dir/pid"
	local deadline=$((SECONDS + 120))
	until kcat -b "127.0.0.1:$port" -L -m 2 >/dev/null 2>&1 &&
		kcat -b "127.0.0.1:$port" -L -m 2 2>/dev/null | grep -q '1 brokers'; do
		kill -0 "$(cat "$dir/pid")" 2>/dev/null ||
			die "broker exited during startup; see $dir/broker.log and $dir/stdout.log"
		((SECONDS < deadline)) || { stop "$dir"; die "broker not ready after 120 s; see $dir/broker.log"; }
		sleep 0.5
	done
	echo "$port"
}

stop() {
	local dir=$1 pid
	[[ -f $dir/pid ]] || return 0
	pid=$(cat "$dir/pid")
	# The broker leads its own process group (setsid): signal the group.
	if kill -TERM -- "-$pid" 2>/dev/null; then
		for _ in $(seq 200); do
			kill -0 -- "-$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	rm -f "$dir/pid"
}

hard_kill() {
	local dir=$1 pid
	[[ -f $dir/pid ]] || die "no broker pid in $dir"
	pid=$(cat "$dir/pid")
	kill -KILL -- "-$pid" 2>/dev/null || true
	while kill -0 -- "-$pid" 2>/dev/null; do sleep 0.1; done
	rm -f "$dir/pid"
}

case ${1:-} in
fetch) fetch ;;
start) [[ $# -ge 2 ]] || die "usage: kafka.sh start DIR [PORT]"; start "$2" "${3:-}" ;;
stop) [[ $# -ge 2 ]] || die "usage: kafka.sh stop DIR"; stop "$2" ;;
_broker) java_cmd "$2" kafka.Kafka "$2/server.properties"; exec "${cmd[@]}" ;;
kill) [[ $# -ge 2 ]] || die "usage: kafka.sh kill DIR"; hard_kill "$2" ;;
*) die "usage: kafka.sh fetch | start DIR [PORT] | stop DIR | kill DIR" ;;
esac
