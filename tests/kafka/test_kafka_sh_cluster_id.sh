#!/usr/bin/env bash
# scripts/kafka/kafka.sh formats the broker's storage with a random cluster
# id; one in 64 starts with "-", which kafka-storage took for an option
# ("argument --cluster-id/-t: expected one argument"), failing that test
# run. A broker whose cluster id starts with "-" comes up.
source "$(dirname "$0")/lib.sh"
export KAFKA_CLUSTER_ID=-AAAAAAAAAAAAAAAAAAAAA
kafka_up
grep -q "cluster.id=-AAAAAAAAAAAAAAAAAAAAA" "$KAFKA_DIR/data/meta.properties" ||
	die "the broker's storage does not carry the cluster id: $(cat "$KAFKA_DIR/data/meta.properties")"
echo "PASS"
