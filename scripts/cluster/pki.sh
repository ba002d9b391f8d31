#!/usr/bin/env bash
# A throwaway PKI and kubeconfigs for the test cluster, with openssl only.
# Usage: pki.sh DIR NODE_NAME NODE_IP
set -euo pipefail
dir=$1 node=$2 node_ip=$3
svc_ip=10.96.0.1
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj /CN=ringtap-test-ca \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign,digitalSignature 2>/dev/null

# cert NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
cert() {
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  { echo basicConstraints=CA:FALSE; echo keyUsage=critical,digitalSignature,keyEncipherment
    echo "extendedKeyUsage=$3"; [ -z "${4:-}" ] || echo "subjectAltName=$4"; } >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 30 \
    -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
cert apiserver /CN=kube-apiserver serverAuth \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$svc_ip,IP:$node_ip"
cert kubelet-serving "/CN=$node" serverAuth "DNS:$node,DNS:localhost,IP:127.0.0.1,IP:$node_ip"
cert apiserver-kubelet-client /O=system:masters/CN=kube-apiserver-kubelet-client clientAuth
cert admin /O=system:masters/CN=kubernetes-admin clientAuth
cert controller-manager /CN=system:kube-controller-manager clientAuth
cert scheduler /CN=system:kube-scheduler clientAuth
cert kube-proxy /CN=system:kube-proxy clientAuth
cert kubelet "/O=system:nodes/CN=system:node:$node" clientAuth
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null

for user in admin controller-manager scheduler kube-proxy kubelet; do
  cat >"$user.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {certificate-authority: $dir/ca.crt, server: "https://127.0.0.1:6443"}
users:
- name: $user
  user: {client-certificate: $dir/$user.crt, client-key: $dir/$user.key}
contexts:
- name: test
  context: {cluster: test, user: $user}
current-context: test
KC
done
