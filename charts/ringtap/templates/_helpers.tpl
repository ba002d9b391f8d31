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
{{- $s := deepCopy . -}}
{{- if eq (toString .type) "kafka" -}}
{{- if and $k.tls.enabled $k.sasl.enabled -}}
{{- $_ := set $s "rdkafka.security.protocol" "sasl_ssl" -}}
{{- else if $k.tls.enabled -}}
{{- $_ := set $s "rdkafka.security.protocol" "ssl" -}}
{{- else if $k.sasl.enabled -}}
{{- $_ := set $s "rdkafka.security.protocol" "sasl_plaintext" -}}
{{- end -}}
{{- if $k.tls.enabled -}}
{{- $_ := set $s "rdkafka.ssl.ca.location" "/etc/ringtap/kafka/ca.crt" -}}
{{- if $k.tls.clientCert -}}
{{- $_ := set $s "rdkafka.ssl.certificate.location" "/etc/ringtap/kafka/tls.crt" -}}
{{- $_ := set $s "rdkafka.ssl.key.location" "/etc/ringtap/kafka/tls.key" -}}
{{- end -}}
{{- end -}}
{{- if $k.sasl.enabled -}}
{{- $_ := set $s "rdkafka.sasl.mechanism" $k.sasl.mechanism -}}
{{- $_ := set $s "rdkafka.sasl.username" "file:/etc/ringtap/kafka/sasl-username" -}}
{{- $_ := set $s "rdkafka.sasl.password" "file:/etc/ringtap/kafka/sasl-password" -}}
{{- end -}}
{{- end -}}
{{- $out = append $out $s -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Refuse a grace period that does not cover the longest Kafka flush. */}}
{{- define "ringtap.checkGrace" -}}
{{- $grace := int .Values.terminationGracePeriodSeconds -}}
{{- range .Values.config.sinks -}}
{{- if and (eq (toString .type) "kafka") (hasKey . "flush_timeout_ms") -}}
{{- if le (mul $grace 1000) (int .flush_timeout_ms) -}}
{{- fail (printf "terminationGracePeriodSeconds (%d s) must be longer than the kafka sink's flush_timeout_ms (%v ms): raise it or lower the flush timeout" $grace .flush_timeout_ms) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and (or .Values.kafka.tls.enabled .Values.kafka.sasl.enabled) (not .Values.kafka.secretName) -}}
{{- fail "kafka.tls.enabled / kafka.sasl.enabled need kafka.secretName: the Secret holding the certificates or credentials" -}}
{{- end -}}
{{- end -}}
