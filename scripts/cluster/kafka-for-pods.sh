#!/usr/bin/env bash
# A Kafka broker the cluster's pods reach: scripts/kafka/kafka.sh's broker (127.0.0.1, fetched
# with Maven, cached), restarted listening on every address and advertising NODE_IP, the node
# address pods route to. Prints the port when ready; stop it with `kafka.sh stop DIR`.
# Usage: kafka-for-pods.sh DIR NODE_IP
set -euo pipefail
dir=${1:?usage: kafka-for-pods.sh DIR NODE_IP} node_ip=${2:?usage: kafka-for-pods.sh DIR NODE_IP}
kafka=$(cd "$(dirname "$0")/../kafka" && pwd)/kafka.sh
port=$("$kafka" start "$dir" | tail -n 1)     # formats the storage, writes server.properties
"$kafka" stop "$dir"
sed -i -e "s|^listeners=PLAINTEXT://127.0.0.1:$port,|listeners=PLAINTEXT://0.0.0.0:$port,|" \
  -e "s|^advertised.listeners=.*|advertised.listeners=PLAINTEXT://$node_ip:$port|" "$dir/server.properties"
grep -q "^advertised.listeners=PLAINTEXT://$node_ip:$port\$" "$dir/server.properties" ||
  { echo "kafka-for-pods: could not rewrite the listeners in $dir/server.properties" >&2; exit 1; }
"$kafka" start "$dir" >/dev/null
echo "$port"
