{{- define "ringtap.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ringtap.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "ringtap.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "ringtap.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ringtap.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ringtap.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ringtap.labels" -}}
{{ include "ringtap.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "ringtap.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ringtap.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The sinks with the Kafka TLS/SASL material wired in by file path. */}}
{{- define "ringtap.sinks" -}}
{{- $out := list -}}
{{- $k := .Values.kafka -}}
{{- range .Values.config.sinks -}}
{{- if not (kindIs "map" .) -}}
{{- $out = append $out . -}}{{/* a spec string: stdout, ndjson:PATH, kafka:BROKERS */}}
{{- else -}}
{{- $s := deepCopy . -}}
{{- if eq (toString .type) "kafka" -}}
{{- $rd := dict -}}
{{- if and $k.tls.enabled $k.sasl.enabled -}}
{{- $_ := set $rd "security.protocol" "sasl_ssl" -}}
{{- else if $k.tls.enabled -}}
{{- $_ := set $rd "security.protocol" "ssl" -}}
{{- else if $k.sasl.enabled -}}
{{- $_ := set $rd "security.protocol" "sasl_plaintext" -}}
{{- end -}}
{{- if $k.tls.enabled -}}
{{- $_ := set $rd "ssl.ca.location" "/var/run/secrets/ringtap/kafka/ca.crt" -}}
{{- if $k.tls.clientCert -}}
{{- $_ := set $rd "ssl.certificate.location" "/var/run/secrets/ringtap/kafka/tls.crt" -}}
{{- $_ := set $rd "ssl.key.location" "/var/run/secrets/ringtap/kafka/tls.key" -}}
{{- end -}}
{{- end -}}
{{- if $k.sasl.enabled -}}
{{- $_ := set $rd "sasl.mechanism" $k.sasl.mechanism -}}
{{- $_ := set $rd "sasl.username" $k.sasl.username -}}
{{- $_ := set $s "sasl_password" "file:/var/run/secrets/ringtap/kafka/sasl-password" -}}
{{- end -}}
{{- if $rd -}}
{{- $_ := set $s "rdkafka" (merge (default dict .rdkafka) $rd) -}}
{{- end -}}
{{- $sp := dict "enabled" $.Values.spool.enabled -}}
{{- if $.Values.spool.enabled -}}
{{- $_ := set $sp "dir" "/var/lib/ringtap/spool" -}}
{{- $_ := set $sp "max_bytes" (toString $.Values.spool.maxBytes) -}}
{{- end -}}
{{- $_ := set $s "spool" (merge (default dict .spool) $sp) -}}
{{- end -}}
{{- $out = append $out $s -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Refuse a grace period that does not cover the flush on shutdown. */}}
{{- define "ringtap.checkGrace" -}}
{{- $grace := int .Values.terminationGracePeriodSeconds -}}
{{- $flush := int .Values.config.flushTimeoutMs -}}
{{- range .Values.config.sinks -}}
{{- if and (kindIs "map" .) (hasKey . "flush_timeout_ms") -}}
{{- if gt (int .flush_timeout_ms) $flush -}}
{{- $flush = int .flush_timeout_ms -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if le (mul $grace 1000) $flush -}}
{{- fail (printf "terminationGracePeriodSeconds (%d s) must be longer than the flush timeout on shutdown (%d ms, config.flushTimeoutMs or a sink's flush_timeout_ms): raise it or lower the timeout" $grace $flush) -}}
{{- end -}}
{{- if le (int .Values.metrics.staleAfterMs) (int .Values.config.statsIntervalMs) -}}
{{- fail (printf "metrics.staleAfterMs (%d) must be longer than config.statsIntervalMs (%d): the daemon publishes its counters once per stats interval, /healthz would fail between them" (int .Values.metrics.staleAfterMs) (int .Values.config.statsIntervalMs)) -}}
{{- end -}}
{{- if gt (int .Values.metrics.maxConnectionsPerIp) (int .Values.metrics.maxConnections) -}}
{{- fail (printf "metrics.maxConnectionsPerIp (%d) must not exceed metrics.maxConnections (%d)" (int .Values.metrics.maxConnectionsPerIp) (int .Values.metrics.maxConnections)) -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) -}}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled: the ServiceMonitor scrapes through that Service" -}}
{{- end -}}
{{- if and (or .Values.kafka.tls.enabled .Values.kafka.sasl.enabled) (not .Values.kafka.secretName) -}}
{{- fail "kafka.tls.enabled / kafka.sasl.enabled need kafka.secretName: the Secret holding the certificates or credentials" -}}
{{- end -}}
{{- end -}}

{{/* The daemon config's ConfigMap (hashed into the pod template). */}}
{{- define "ringtap.configName" -}}
{{- printf "%s-config" (include "ringtap.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{/* The policy's ConfigMap (not hashed: reloaded live). */}}
{{- define "ringtap.policyName" -}}
{{- printf "%s-policy" (include "ringtap.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{/* Where the policy ConfigMap is mounted: a directory of its own, beside
     (not inside) the config mount at /etc/ringtap. */}}
{{- define "ringtap.policyDir" -}}/etc/ringtap-policy{{- end -}}

{{- define "ringtap.policyPath" -}}{{ include "ringtap.policyDir" . }}/policy.yaml{{- end -}}
